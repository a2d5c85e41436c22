/**
 * The PII detector: runs the recognizers, adjusts scores by the words around each candidate,
 * drops what falls below `minScore`, and resolves overlaps (higher score wins, then the longer span).
 */

import type { CountryCode } from 'libphonenumber-js/max';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';
import { validateConfig } from '../config/index.js';
import { builtInRecognizers } from './recognizers/index.js';
import { clampScore, wordPattern } from './text.js';
import { type PiiCandidate, type PiiFinding, type PiiRecognizer, type PiiType, piiTypes } from './types.js';

export const piiDetectorOptionsSchema = z
  .object({
    /** Only these types are looked for; all of them by default. */
    types: z.array(z.enum(piiTypes)).optional(),
    /** Findings scoring below this are dropped. Default 0.5. */
    minScore: z.number().min(0).max(1).default(0.5),
    /** How many characters before a candidate (and half as many after) are searched for context words. Default 40. */
    contextWindow: z.number().int().min(0).max(1000).default(40),
    /** Region for phone numbers written without a country code (ISO 3166 alpha-2). Default 'US'. */
    defaultRegion: z
      .string()
      .refine(
        (region) => isSupportedCountry(region),
        'an ISO 3166-1 alpha-2 region libphonenumber knows, e.g. "US"',
      )
      .default('US'),
    /** Replaces the built-in recognizers (for tests and extensions). */
    recognizers: z
      .array(z.custom<PiiRecognizer>((value) => typeof value === 'object' && value !== null))
      .optional(),
  })
  .strict();

export type PiiDetectorOptions = z.input<typeof piiDetectorOptionsSchema>;

/** A configured detector; `detect` is pure and safe to call concurrently. */
export interface PiiDetector {
  detect(text: string): PiiFinding[];
  readonly types: readonly PiiType[];
  readonly minScore: number;
}

/** Characters before a candidate searched for words like "order #" that mark it as some other id. */
const NEGATIVE_WINDOW = 24;
const NEGATIVE_PENALTY = 0.35;
const DEFAULT_BOOST = 0.2;

/**
 * Builds a detector once (options validated here); reuse it for every text.
 *
 * @example
 * const detector = createPiiDetector({ minScore: 0.6, defaultRegion: 'GB' });
 * detector.detect('Call me on 020 7946 0958'); // [{ type: 'phone', start: 11, end: 24, … }]
 */
export function createPiiDetector(options: PiiDetectorOptions = {}): PiiDetector {
  const resolved = validateConfig(piiDetectorOptionsSchema, options, 'PII detector options');
  const types = resolved.types ?? [...piiTypes];
  const wanted = new Set<PiiType>(types);
  const recognizers = (resolved.recognizers ?? builtInRecognizers).filter((recognizer) =>
    wanted.has(recognizer.type),
  );
  const settings = { defaultRegion: resolved.defaultRegion as CountryCode };
  const { minScore, contextWindow } = resolved;
  const contexts = new Map(recognizers.map((recognizer) => [recognizer, compileContext(recognizer)]));

  return {
    types,
    minScore,
    detect(text: string): PiiFinding[] {
      if (typeof text !== 'string' || text.length === 0) return [];
      const findings: PiiFinding[] = [];
      for (const recognizer of recognizers) {
        const context = contexts.get(recognizer)!;
        for (const candidate of recognizer.find(text, settings)) {
          const type = candidate.type ?? recognizer.type;
          if (!wanted.has(type)) continue;
          if (candidate.score + context.boost < minScore) continue;
          const score = scoreInContext(text, candidate, context, contextWindow);
          if (score < minScore) continue;
          findings.push({
            type,
            start: candidate.start,
            end: candidate.end,
            text: text.slice(candidate.start, candidate.end),
            score,
            recognizer: candidate.recognizer,
          });
        }
      }
      return resolveOverlaps(findings);
    },
  };
}

/**
 * Finds PII in `text` with a detector built from `options` (build one with `createPiiDetector`
 * when detecting many texts).
 *
 * @example
 * detectPii('Card 4111 1111 1111 1111, email jo@example.com').map((finding) => finding.type);
 * // ['payment-card', 'email']
 */
export function detectPii(text: string, options?: PiiDetectorOptions): PiiFinding[] {
  return (options === undefined ? defaultDetector() : createPiiDetector(options)).detect(text);
}

let sharedDetector: PiiDetector | undefined;
function defaultDetector(): PiiDetector {
  sharedDetector ??= createPiiDetector();
  return sharedDetector;
}

interface CompiledContext {
  positive: RegExp | undefined;
  boost: number;
  negative: RegExp | undefined;
}

function compileContext(recognizer: PiiRecognizer): CompiledContext {
  const positive = recognizer.contextWords?.length ? wordPattern(recognizer.contextWords) : undefined;
  return {
    positive,
    boost: positive ? (recognizer.contextBoost ?? DEFAULT_BOOST) : 0,
    negative: recognizer.negativeContextWords?.length
      ? wordPattern(recognizer.negativeContextWords)
      : undefined,
  };
}

function scoreInContext(
  text: string,
  candidate: PiiCandidate,
  context: CompiledContext,
  window: number,
): number {
  let score = candidate.score;
  if (context.positive && window > 0) {
    const before = text.slice(Math.max(0, candidate.start - window), candidate.start);
    const after = text.slice(candidate.end, candidate.end + Math.ceil(window / 2));
    if (context.positive.test(before) || context.positive.test(after)) score += context.boost;
  }
  if (context.negative) {
    const before = text.slice(Math.max(0, candidate.start - NEGATIVE_WINDOW), candidate.start);
    if (context.negative.test(before)) score -= NEGATIVE_PENALTY;
  }
  return clampScore(score);
}

/**
 * Keeps, from each group of overlapping findings, the highest score, then the longest span; the
 * rest of the group is kept only where it overlaps nothing kept. Sorted by start.
 */
export function resolveOverlaps(findings: PiiFinding[]): PiiFinding[] {
  if (findings.length < 2) return findings;
  const byStart = [...findings].sort(byPosition);
  const kept: PiiFinding[] = [];
  let clusterStart = 0;
  let clusterEnd = -1;
  for (let index = 0; index <= byStart.length; index++) {
    const finding = byStart[index];
    if (finding === undefined || finding.start >= clusterEnd) {
      // The cluster [clusterStart, index) is closed: nothing after it can overlap it.
      if (index - clusterStart === 1) kept.push(byStart[clusterStart]!);
      else if (index - clusterStart > 1) kept.push(...pickNonOverlapping(byStart.slice(clusterStart, index)));
      clusterStart = index;
    }
    if (finding) clusterEnd = Math.max(clusterEnd, finding.end);
  }
  return kept;
}

// Comparators live at module level: hot paths allocate no closures.
function byPosition(a: PiiFinding, b: PiiFinding): number {
  return a.start - b.start || b.end - a.end;
}

function byStrength(a: PiiFinding, b: PiiFinding): number {
  return b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start;
}

function pickNonOverlapping(cluster: PiiFinding[]): PiiFinding[] {
  const ranked = cluster.sort(byStrength);
  // `chosen` stays sorted and non-overlapping, so a binary search finds the only possible clashes.
  const chosen: PiiFinding[] = [];
  for (const finding of ranked) {
    let low = 0;
    let high = chosen.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (chosen[middle]!.start < finding.start) low = middle + 1;
      else high = middle;
    }
    const previous = chosen[low - 1];
    const next = chosen[low];
    if (previous && previous.end > finding.start) continue;
    if (next && next.start < finding.end) continue;
    chosen.splice(low, 0, finding);
  }
  return chosen;
}
