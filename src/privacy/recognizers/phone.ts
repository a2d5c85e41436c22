/**
 * Phone numbers. A cheap regex finds phone-shaped runs (digits with spaces, dots, dashes,
 * parentheses, an optional leading +); libphonenumber-js (full metadata) then parses each in the
 * default region and keeps only numbers valid for their country. International numbers need their
 * `+` (or `00`) prefix; national numbers are read in `defaultRegion`.
 */
import {
  type CountryCode,
  getCountryCallingCode,
  type PhoneNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import { digitsOf } from '../text.js';
import type { PiiCandidate, PiiRecognizer } from '../types.js';

// Starts at '+', '(' or a digit not glued to a word, an id or another number, then 6–17 more
// digits each after an optional ')', up to two separators and an optional '(' (three disjoint
// classes, so every string has one parse and a failed attempt cannot backtrack exponentially).
const CANDIDATE =
  /(?<![\w+#/$€£@.-]|\d[ .-]|[A-Za-z]-)(?:\+|00)?\(?\d(?:\)?[ .-]{0,2}\(?\d){6,17}(?![\w/]|[ .-]?\d|-[A-Za-z]|\.\d)/g;
const EXTENSION = /^\s{0,2}(?:ext\.?|x|extension)\s{0,2}\d{1,6}/i;
/** Looks like an IPv4 address or a dotted date; those have their own recognizers or are not PII. */
const NOT_A_PHONE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$|^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/;

const callingCodes = new Map<CountryCode, string>();
function callingCodeOf(region: CountryCode): string {
  let code = callingCodes.get(region);
  if (code === undefined) {
    code = getCountryCallingCode(region);
    callingCodes.set(region, code);
  }
  return code;
}

/** NXX-NXX-XXXX, optionally after a leading 1: area code and exchange never start with 0 or 1. */
function isPlausibleNanp(digits: string): boolean {
  const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  if (national.length !== 10) return false;
  return national.charCodeAt(0) >= 50 && national.charCodeAt(3) >= 50;
}

/** North American numbers group 3-3-4 (with an optional 1 in front): breaks at 4, 7 and 10 from the right. */
function nanpGroupingFits(raw: string): boolean {
  for (const position of breaksFromRight(raw))
    if (position !== 4 && position !== 7 && position !== 10) return false;
  return true;
}

/** Where `value` breaks its digits into groups, as digit counts from the right ("415-555-2671" → 4, 7). */
function breaksFromRight(value: string): number[] {
  const breaks: number[] = [];
  let digits = 0;
  let pendingBreak = false;
  for (let index = value.length - 1; index >= 0; index--) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      if (pendingBreak && digits > 0) breaks.push(digits);
      pendingBreak = false;
      digits++;
    } else {
      pendingBreak = true;
    }
  }
  return breaks;
}

/** What validation learnt about a number: the group breaks its country's formats make. */
interface ValidNumber {
  /** Break positions (from the right) of the national and international formats. */
  allowedBreaks: ReadonlySet<number>;
  nationalLength: number;
}

function describe(phone: PhoneNumber): ValidNumber {
  return {
    allowedBreaks: new Set([
      ...breaksFromRight(phone.formatNational()),
      ...breaksFromRight(phone.formatInternational()),
    ]),
    nationalLength: phone.nationalNumber.length,
  };
}

/** Whether every break in `raw` is one the national or international format also makes. */
function groupingFits(raw: string, valid: ValidNumber): boolean {
  for (const position of breaksFromRight(raw)) {
    // Breaks left of the national number (after a country or trunk code) are always fine.
    if (position < valid.nationalLength && !valid.allowedBreaks.has(position)) return false;
  }
  return true;
}

export interface PhoneRecognizerOptions {
  /**
   * How many distinct numbers to remember the libphonenumber verdict for (default 1024; 0 turns the
   * memo off). Parsing and validating costs tens of microseconds, and in support traffic the same
   * numbers (the shop's own, a customer's in every message of a thread) come back again and again.
   */
  cacheSize?: number;
}

/**
 * A phone recognizer; the built-in one is `createPhoneRecognizer()`.
 *
 * @example
 * const cold = createPiiDetector({ recognizers: [createPhoneRecognizer({ cacheSize: 0 })] });
 */
export function createPhoneRecognizer(options: PhoneRecognizerOptions = {}): PiiRecognizer {
  const cacheSize = options.cacheSize ?? 1024;
  const verdicts = new Map<string, ValidNumber | null>();

  const validate = (digits: string, international: boolean, region: CountryCode): ValidNumber | null => {
    const key = `${region}|${international ? '+' : ''}${digits}`;
    const known = verdicts.get(key);
    if (known !== undefined) return known;
    const phone = parsePhoneNumberFromString(international ? `+${digits.replace(/^00/, '')}` : digits, {
      defaultCountry: region,
      extract: false,
    });
    const verdict = phone?.isValid() ? describe(phone) : null;
    if (cacheSize > 0) {
      // Map iteration is insertion order: dropping the first key evicts the oldest verdict.
      if (verdicts.size >= cacheSize) verdicts.delete(verdicts.keys().next().value!);
      verdicts.set(key, verdict);
    }
    return verdict;
  };

  return {
    type: 'phone',
    name: 'phone',
    contextWords: PHONE_CONTEXT,
    contextBoost: 0.15,
    negativeContextWords: NOT_PHONE_CONTEXT,
    find(text, settings) {
      const candidates: PiiCandidate[] = [];
      const nanpRegion = callingCodeOf(settings.defaultRegion) === '1';
      CANDIDATE.lastIndex = 0;
      for (let match = CANDIDATE.exec(text); match !== null; match = CANDIDATE.exec(text)) {
        const raw = match[0];
        if (NOT_A_PHONE.test(raw)) continue;
        const digits = digitsOf(raw);
        if (digits.length < 7 || digits.length > 15) continue;
        const international = raw.startsWith('+') || /^00[1-9]/.test(raw);
        const nanp = nanpRegion && !international;
        // Most candidates are ids, dates and card numbers: the North American plan rejects them
        // without the cost of a full parse.
        if (nanp && !isPlausibleNanp(digits)) continue;
        const valid = validate(digits, international, settings.defaultRegion);
        if (valid === null) continue;
        const formatted = international || /[ ().-]/.test(raw);
        // "7719-004512" parses, but nobody writes a phone number grouped like that: serials and
        // receipt numbers do. Breaks that fit neither the national nor the international format cost.
        const fits = nanp ? nanpGroupingFits(raw) : groupingFits(raw, valid);
        const grouping = formatted && !fits ? 0.3 : 0;
        let end = match.index + raw.length;
        const extension = EXTENSION.exec(text.slice(end, end + 24));
        if (extension) end += extension[0].length;
        candidates.push({
          start: match.index,
          end,
          score: (international ? 0.8 : formatted ? 0.7 : 0.45) - grouping,
          recognizer: international ? 'phone.international' : 'phone.national',
        });
      }
      return candidates;
    },
  };
}

const PHONE_CONTEXT = [
  'phone',
  'call',
  'calling',
  'called',
  'tel',
  'telephone',
  'mobile',
  'cell',
  'text',
  'txt',
  'number',
  'reach',
  'whatsapp',
  'fax',
  'landline',
  'contact',
  'ring',
];

const NOT_PHONE_CONTEXT = [
  'order',
  'invoice',
  'inv',
  'tracking',
  'sku',
  'ref',
  'reference',
  'confirmation',
  'item',
  'model',
  'serial',
  'part',
  'account',
  'acct',
  'routing',
  'po',
  'receipt',
  'ticket',
  'case',
  'isbn',
];

/** Finds phone numbers valid for their country per libphonenumber-js. */
export const phoneRecognizer: PiiRecognizer = createPhoneRecognizer();
