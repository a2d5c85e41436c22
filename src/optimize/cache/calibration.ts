/**
 * Measures what a semantic-cache similarity threshold means for one embedder: warm a cache with
 * labelled requests, answer other labelled requests from it, and count how many are answered (hit
 * rate) and how many get the answer of another intent (wrong rate), with and without the guards.
 */
import { performance } from 'node:perf_hooks';
import type { Embedder } from './embedders/index.js';
import { checkSemanticHit, type GuardOptions, type GuardReason } from './guards.js';
import type { IntentMatcher } from './intents.js';
import type { LabelledText } from './labelled-csv.js';
import { normalizeRequest } from './normalize.js';
import { analyzeRequest, type RequestSignature } from './request-signature.js';
import { SemanticIndex } from './semantic-index.js';

export type { LabelledText } from './labelled-csv.js';

export interface CalibrationOptions {
  embedder: Embedder;
  /** The cache's contents: each request stands for its cached answer, labelled by intent. */
  warm: LabelledText[];
  /** The requests to answer from the cache. */
  queries: LabelledText[];
  /** Thresholds to evaluate; default 0.80, 0.81 … 0.99. */
  thresholds?: number[];
  /** Nearest entries tried per query when the guards reject the nearest; default 5. */
  candidates?: number;
  guards?: GuardOptions;
  /** Highest acceptable share of wrong answers among all queries, for the recommendation; default 0.01. */
  maxWrongRate?: number;
  /** Texts per embed call; default 256. */
  batchSize?: number;
  onProgress?: (stage: 'embed' | 'search', done: number, total: number) => void;
}

export interface CalibrationRow {
  threshold: number;
  guarded: boolean;
  /** Queries answered from the cache. */
  hits: number;
  /** Answered with the answer of another intent. */
  wrong: number;
  /** hits / queries. */
  hitRate: number;
  /** wrong / queries: the share of all requests that got a wrong answer. */
  wrongRate: number;
  /** wrong / hits: the share of served answers that were wrong (NaN without hits). */
  wrongShareOfHits: number;
}

export interface GuardRejections {
  /** Nearest entries at or above the lowest threshold that this guard turned away. */
  rejected: number;
  /** Of those, how many would have been a wrong answer (the rest were right answers lost). */
  wouldBeWrong: number;
}

export interface CalibrationReport {
  embedderId: string;
  dimensions: number;
  warmCount: number;
  queryCount: number;
  /** Queries whose normalised text is also a warm request's: what the exact tier alone answers. */
  exactHits: number;
  /** Share of queries whose nearest warm request has the same intent, at any similarity. */
  nearestAccuracy: number;
  embedMsPerText: number;
  searchMsPerQuery: number;
  rows: CalibrationRow[];
  /** The lowest threshold (highest hit rate) whose wrong rate is within maxWrongRate, or null. */
  recommended: { unguarded: number | null; guarded: number | null };
  guardRejections: Partial<Record<GuardReason, GuardRejections>>;
}

/** Per query: the nearest entry, and the nearest entry the guards accept. */
interface QueryOutcome {
  nearest: { similarity: number; correct: boolean } | undefined;
  guarded: { similarity: number; correct: boolean } | undefined;
}

/**
 * The `similarity` to use with each built-in embedder when the guards are on: wrong answers stayed
 * within 1% of requests on banking77 (20.2% and 22.3% of test.csv answered; docs/semantic-cache.md).
 *
 * @example const similarity = RECOMMENDED_SIMILARITY[embedder.id] ?? 0.95;
 */
export const RECOMMENDED_SIMILARITY: Readonly<Record<string, number>> = {
  'hashing-v1': 0.88,
  'use-v1': 0.94,
};

export const DEFAULT_THRESHOLDS: readonly number[] = Array.from(
  { length: 20 },
  (_, index) => (80 + index) / 100,
);

/**
 * @example
 * const report = await calibrateThresholds({ embedder: createHashingEmbedder(), warm: train, queries: test });
 * report.recommended // { unguarded: 0.9, guarded: 0.87 }
 */
export async function calibrateThresholds(options: CalibrationOptions): Promise<CalibrationReport> {
  const { embedder, warm, queries } = options;
  const thresholds = [...(options.thresholds ?? DEFAULT_THRESHOLDS)].sort((left, right) => left - right);
  const candidates = options.candidates ?? 5;
  const maxWrongRate = options.maxWrongRate ?? 0.01;
  const lowest = thresholds[0] ?? 0;

  const embedStarted = performance.now();
  const warmVectors = await embedAll(embedder, warm, options);
  const queryVectors = await embedAll(embedder, queries, options);
  const embedMsPerText = (performance.now() - embedStarted) / Math.max(1, warm.length + queries.length);

  const index = new SemanticIndex({ dimensions: embedder.dimensions, initialCapacity: warm.length });
  warmVectors.forEach((vector, position) => {
    index.add(String(position), vector);
  });
  const exact = new Set(warm.map((row) => normalizeRequest(row.text)));
  const signatures = new Map<number, RequestSignature>();
  const signatureOf = (position: number) => {
    let signature = signatures.get(position);
    if (!signature) {
      signature = analyzeRequest(warm[position]!.text);
      signatures.set(position, signature);
    }
    return signature;
  };

  const outcomes: QueryOutcome[] = [];
  const guardRejections: Partial<Record<GuardReason, GuardRejections>> = {};
  let exactHits = 0;
  let nearestCorrect = 0;
  let searchMs = 0;
  for (let position = 0; position < queries.length; position++) {
    const query = queries[position]!;
    if (exact.has(normalizeRequest(query.text))) exactHits++;
    const searchStarted = performance.now();
    const matches = index.search(queryVectors[position]!, candidates);
    searchMs += performance.now() - searchStarted;
    const querySignature = analyzeRequest(query.text);
    const outcome: QueryOutcome = { nearest: undefined, guarded: undefined };
    matches.forEach((match, rank) => {
      const warmPosition = Number(match.id);
      const correct = warm[warmPosition]!.label === query.label;
      if (rank === 0) {
        outcome.nearest = { similarity: match.similarity, correct };
        if (correct) nearestCorrect++;
      }
      if (outcome.guarded) return;
      const verdict = checkSemanticHit(querySignature, signatureOf(warmPosition), options.guards);
      if (verdict.ok) outcome.guarded = { similarity: match.similarity, correct };
      else if (rank === 0 && match.similarity >= lowest) {
        const tally = guardRejections[verdict.reason] ?? { rejected: 0, wouldBeWrong: 0 };
        guardRejections[verdict.reason] = tally;
        tally.rejected++;
        if (!correct) tally.wouldBeWrong++;
      }
    });
    outcomes.push(outcome);
    if (position % 500 === 499) options.onProgress?.('search', position + 1, queries.length);
  }

  const rows: CalibrationRow[] = [];
  for (const guarded of [false, true]) {
    for (const threshold of thresholds) {
      let hits = 0;
      let wrong = 0;
      for (const outcome of outcomes) {
        const served = guarded ? outcome.guarded : outcome.nearest;
        if (!served || served.similarity < threshold) continue;
        hits++;
        if (!served.correct) wrong++;
      }
      const total = Math.max(1, queries.length);
      rows.push({
        threshold,
        guarded,
        hits,
        wrong,
        hitRate: hits / total,
        wrongRate: wrong / total,
        wrongShareOfHits: hits === 0 ? Number.NaN : wrong / hits,
      });
    }
  }

  return {
    embedderId: embedder.id,
    dimensions: embedder.dimensions,
    warmCount: warm.length,
    queryCount: queries.length,
    exactHits,
    nearestAccuracy: nearestCorrect / Math.max(1, queries.length),
    embedMsPerText,
    searchMsPerQuery: searchMs / Math.max(1, queries.length),
    rows,
    recommended: {
      unguarded: recommendThreshold(rows, false, maxWrongRate),
      guarded: recommendThreshold(rows, true, maxWrongRate),
    },
    guardRejections,
  };
}

/**
 * The lowest threshold (so the highest hit rate) whose wrong rate, and that of every higher threshold,
 * is within `maxWrongRate`; null if none is.
 *
 * @example recommendThreshold(report.rows, true, 0.01) // 0.87
 */
export function recommendThreshold(
  rows: CalibrationRow[],
  guarded: boolean,
  maxWrongRate = 0.01,
): number | null {
  const ordered = rows
    .filter((row) => row.guarded === guarded)
    .sort((left, right) => right.threshold - left.threshold);
  let recommended: number | null = null;
  for (const row of ordered) {
    if (row.wrongRate > maxWrongRate) break;
    recommended = row.threshold;
  }
  return recommended;
}

export interface IntentFalsePositives {
  total: number;
  matched: number;
  /** Up to 10 matched requests, for inspection. */
  examples: Array<{ text: string; intent: string; score: number }>;
}

/**
 * Counts requests from outside a matcher's intents (e.g. banking77) that it nevertheless matches.
 *
 * @example (await intentFalsePositives(matcher, test.map((row) => row.text))).matched // 0
 */
export async function intentFalsePositives(
  matcher: IntentMatcher,
  texts: string[],
): Promise<IntentFalsePositives> {
  const report: IntentFalsePositives = { total: texts.length, matched: 0, examples: [] };
  for (const text of texts) {
    const match = await matcher.matchIntent(text);
    if (!match) continue;
    report.matched++;
    if (report.examples.length < 10) report.examples.push({ text, intent: match.intent, score: match.score });
  }
  return report;
}

async function embedAll(
  embedder: Embedder,
  rows: LabelledText[],
  options: CalibrationOptions,
): Promise<Float32Array[]> {
  const batchSize = options.batchSize ?? 256;
  const vectors: Float32Array[] = [];
  for (let start = 0; start < rows.length; start += batchSize) {
    vectors.push(...(await embedder.embed(rows.slice(start, start + batchSize).map((row) => row.text))));
    options.onProgress?.('embed', Math.min(rows.length, start + batchSize), rows.length);
  }
  return vectors;
}

/**
 * Wraps an embedder so each distinct text is embedded once (calibration embeds the same warm set for
 * several query sets), and stops with an error once embedding has taken `maxMs` in total.
 *
 * @example const embedder = memoizeEmbedder(createUseEmbedder(), { maxMs: 600_000 });
 */
export function memoizeEmbedder(inner: Embedder, options: { maxMs?: number } = {}): Embedder {
  const vectors = new Map<string, Float32Array>();
  const maxMs = options.maxMs ?? Number.POSITIVE_INFINITY;
  let spentMs = 0;
  return {
    id: inner.id,
    dimensions: inner.dimensions,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const missing = [...new Set(texts.filter((text) => !vectors.has(text)))];
      if (missing.length > 0) {
        if (spentMs > maxMs) {
          throw new Error(
            `${inner.id}: the embedding budget of ${Math.round(maxMs / 1000)} s is spent; allow more time`,
          );
        }
        const started = performance.now();
        const embedded = await inner.embed(missing);
        spentMs += performance.now() - started;
        missing.forEach((text, index) => {
          vectors.set(text, embedded[index]!);
        });
      }
      return texts.map((text) => vectors.get(text)!);
    },
  };
}
