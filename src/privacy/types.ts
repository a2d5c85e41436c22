/** The vocabulary of PII detection: the types we recognise, a finding, and the recognizer seam. */
import type { CountryCode } from 'libphonenumber-js/max';

/** Every kind of personal or secret data the detector can find. */
export const piiTypes = [
  'email',
  'phone',
  'payment-card',
  'us-ssn',
  'iban',
  'ip-address',
  'date-of-birth',
  'street-address',
  'person-name',
  'secret',
  'url-credentials',
  /** A hospital's or practice's number for a patient (MRN, chart number, patient id). */
  'medical-record-number',
  /** A health insurer's number for a member: member, subscriber, policy or group id, Medicare/Medicaid numbers. */
  'health-plan-id',
] as const;

export type PiiType = (typeof piiTypes)[number];

/**
 * One piece of PII in a text: its type, its span (`text.slice(start, end)`), how sure we are, and
 * which recognizer found it (`family.variant`, e.g. `secret.github-token`).
 */
export interface PiiFinding {
  type: PiiType;
  start: number;
  end: number;
  text: string;
  /** 0..1; the detector drops findings below its `minScore` (default 0.5). */
  score: number;
  recognizer: string;
}

/** What a recognizer reports before the detector applies context words and overlap rules. */
export interface PiiCandidate {
  start: number;
  end: number;
  score: number;
  /** `family.variant`, e.g. `payment-card.visa`. */
  recognizer: string;
  /** Set by recognizers that emit more than one type; defaults to the recognizer's type. */
  type?: PiiType;
}

/** Settings every recognizer can read. */
export interface RecognizerSettings {
  /** Region phone numbers written without a country code are read in, e.g. 'US'. */
  defaultRegion: CountryCode;
}

/**
 * One family of PII. `find` must be linear in the text: no unbounded nested quantifiers, no
 * per-character regex restarts that rescan, and a cheap bail-out when the text cannot contain a match.
 */
export interface PiiRecognizer {
  readonly type: PiiType;
  readonly name: string;
  /** Lower-case words or phrases that, near a candidate, raise its score by `contextBoost`. */
  readonly contextWords?: readonly string[];
  readonly contextBoost?: number;
  /** Lower-case words that, just before a candidate, mark it as some other identifier (order, invoice). */
  readonly negativeContextWords?: readonly string[];
  find(text: string, settings: RecognizerSettings): PiiCandidate[];
}
