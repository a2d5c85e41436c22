/**
 * The cache tier's figures: exact key lookups per second, semantic search latency over 10,000
 * entries, embedding time per request for each built-in embedder, and threshold calibration on
 * banking77 (tuned on a split of train.csv, reported on test.csv). Run all with
 * `npx tsx bench/cache.bench.ts`, or one printer at a time from bench/run.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CalibrationReport,
  calibrateThresholds,
  createHashingEmbedder,
  createIntentMatcher,
  createUseEmbedder,
  type Embedder,
  exactKey,
  type IntentFalsePositives,
  intentFalsePositives,
  type LabelledText,
  memoizeEmbedder,
  normalizeRequest,
  parseLabelledCsv,
  SemanticIndex,
  shapeHash,
  simdAvailable,
} from '../src/optimize/cache/index.js';
import { formatMs, printTable, summarise } from './stats.js';

const BANKING77 =
  process.env.STEWARD_BANKING77_DIR ??
  fileURLToPath(new URL('../../shared/data/banking77/', import.meta.url));

function loadBanking77(): { train: LabelledText[]; test: LabelledText[] } | undefined {
  const trainPath = `${BANKING77}/train.csv`;
  const testPath = `${BANKING77}/test.csv`;
  if (!existsSync(trainPath) || !existsSync(testPath)) return undefined;
  return {
    train: parseLabelledCsv(readFileSync(trainPath, 'utf8')),
    test: parseLabelledCsv(readFileSync(testPath, 'utf8')),
  };
}

// ---------------------------------------------------------------------------------------------------
// Exact lookups

export interface ExactLookupFigures {
  keys: number;
  lookups: number;
  lookupsPerSecond: number;
  hitRate: number;
}

const EXACT_KEYS = 100_000;
const EXACT_LOOKUPS = 200_000;
const EXACT_MAX_MS = 20_000;

/** The shape a store's exact-match table has: async, keyed by exactKey. */
class MemoryExactStore {
  private readonly entries = new Map<string, { response: string; expiresAt: number }>();
  async get(key: string): Promise<{ response: string; expiresAt: number } | undefined> {
    return this.entries.get(key);
  }
  async set(key: string, entry: { response: string; expiresAt: number }): Promise<void> {
    this.entries.set(key, entry);
  }
}

/**
 * Lookups per second through the whole exact path: normalise the request, hash the key (SHA-256),
 * read an async Map-backed store of 100,000 keys. Half the lookups hit (written differently: case,
 * punctuation, spacing), half miss. Target >= 50,000/s.
 */
export async function benchExactLookups(): Promise<ExactLookupFigures> {
  const scope = {
    tenantId: 'bench',
    agentId: 'front-desk',
    shapeHash: shapeHash({ model: 'claude-sonnet-4-5', tools: [] }),
  };
  const store = new MemoryExactStore();
  const request = (index: number) => `What time do you open on day ${index} of the month?`;
  for (let index = 0; index < EXACT_KEYS; index++) {
    await store.set(exactKey(scope, normalizeRequest(request(index))), {
      response: `answer ${index}`,
      expiresAt: Infinity,
    });
  }
  const asked = (index: number) =>
    index % 2 === 0
      ? `  WHAT time do you open on day ${index % EXACT_KEYS} of the month!! `
      : `Do you deliver to street ${index}?`;
  for (let index = 0; index < 2_000; index++)
    await store.get(exactKey(scope, normalizeRequest(asked(index))));

  let hits = 0;
  let lookups = 0;
  const started = performance.now();
  while (lookups < EXACT_LOOKUPS && performance.now() - started < EXACT_MAX_MS) {
    if (await store.get(exactKey(scope, normalizeRequest(asked(lookups))))) hits++;
    lookups++;
  }
  const seconds = (performance.now() - started) / 1000;
  return { keys: EXACT_KEYS, lookups, lookupsPerSecond: lookups / seconds, hitRate: hits / lookups };
}

export function printExactLookups(figures: ExactLookupFigures): void {
  printTable('Exact cache lookups (normalise + SHA-256 key + async Map store). Target >= 50,000/s', [
    {
      keys: figures.keys,
      lookups: figures.lookups,
      'lookups/s': Math.round(figures.lookupsPerSecond),
      'hit rate': `${(figures.hitRate * 100).toFixed(0)}%`,
      '>= 50,000/s': figures.lookupsPerSecond >= 50_000 ? 'yes' : 'NO',
    },
  ]);
}

// ---------------------------------------------------------------------------------------------------
// Semantic search

export interface SemanticSearchFigures {
  scoring: 'WebAssembly SIMD' | 'JavaScript';
  entries: number;
  dimensions: number;
  vectors: 'banking77 (hashing-v1)' | 'random';
  searches: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const SEARCH_ENTRIES = 10_000;
const SEARCHES = 2_000;
const SEARCH_MAX_MS = 20_000;

/**
 * Latency of one search (top 5) over 10,000 entries of the default embedder's dimensions, excluding
 * embedding; once with WebAssembly SIMD and once with the JavaScript fallback. Target p99 <= 5 ms.
 */
export async function benchSemanticSearch(): Promise<SemanticSearchFigures[]> {
  const embedder = createHashingEmbedder();
  const data = loadBanking77();
  let entries: Float32Array[];
  let queries: Float32Array[];
  if (data) {
    entries = await embedder.embed(data.train.slice(0, SEARCH_ENTRIES).map((row) => row.text));
    queries = await embedder.embed(data.test.map((row) => row.text));
  } else {
    entries = randomUnitVectors(SEARCH_ENTRIES, embedder.dimensions);
    queries = randomUnitVectors(1_000, embedder.dimensions);
  }
  while (entries.length < SEARCH_ENTRIES) entries.push(...randomUnitVectors(1, embedder.dimensions));

  const figures: SemanticSearchFigures[] = [];
  for (const accelerate of simdAvailable() ? [true, false] : [false]) {
    const index = new SemanticIndex({ dimensions: embedder.dimensions, accelerate });
    entries.forEach((vector, position) => {
      index.add(`entry-${position}`, vector);
    });
    for (let warmup = 0; warmup < 50; warmup++) index.search(queries[warmup % queries.length]!, 5);
    const samples: number[] = [];
    const started = performance.now();
    for (let search = 0; search < SEARCHES && performance.now() - started < SEARCH_MAX_MS; search++) {
      const searchStarted = performance.now();
      index.search(queries[search % queries.length]!, 5);
      samples.push(performance.now() - searchStarted);
    }
    const summary = summarise(samples);
    figures.push({
      scoring: index.accelerated ? 'WebAssembly SIMD' : 'JavaScript',
      entries: index.size,
      dimensions: embedder.dimensions,
      vectors: data ? 'banking77 (hashing-v1)' : 'random',
      searches: summary.count,
      p50Ms: summary.p50,
      p99Ms: summary.p99,
      maxMs: summary.max,
    });
  }
  return figures;
}

export function printSemanticSearch(figures: SemanticSearchFigures[]): void {
  printTable(
    `Semantic search, top 5 over ${SEARCH_ENTRIES.toLocaleString('en')} entries, excluding embedding. Target p99 <= 5 ms (with the default scoring)`,
    figures.map((figure) => ({
      scoring: figure.scoring,
      entries: figure.entries,
      dimensions: figure.dimensions,
      vectors: figure.vectors,
      searches: figure.searches,
      p50: formatMs(figure.p50Ms),
      p99: formatMs(figure.p99Ms),
      max: formatMs(figure.maxMs),
      'p99 <= 5 ms': figure.p99Ms <= 5 ? 'yes' : 'NO',
    })),
  );
}

function randomUnitVectors(count: number, dimensions: number): Float32Array[] {
  let seed = 42;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  return Array.from({ length: count }, () => {
    const vector = Float32Array.from({ length: dimensions }, random);
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  });
}

// ---------------------------------------------------------------------------------------------------
// Embedders

export interface EmbedderFigures {
  embedder: string;
  dimensions: number;
  loadMs: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** Milliseconds per text when embedding 64 at a time. */
  batchedMsPerText: number;
  note?: string;
}

const EMBED_REQUESTS = { hashing: 2_000, use: 60 };
const EMBED_MAX_MS = 30_000;

/** Milliseconds to embed one request (one text per call), and per text in batches of 64, for each built-in embedder. */
export async function benchEmbedders(): Promise<EmbedderFigures[]> {
  const texts = loadBanking77()?.test.map((row) => row.text) ?? [
    'What time do you open on Sunday?',
    'My card has not arrived yet, what should I do?',
  ];
  const figures: EmbedderFigures[] = [];
  figures.push(await measureEmbedder(createHashingEmbedder(), texts, EMBED_REQUESTS.hashing, 0));
  const use = createUseEmbedder();
  try {
    const loadStarted = performance.now();
    await use.load();
    figures.push(await measureEmbedder(use, texts, EMBED_REQUESTS.use, performance.now() - loadStarted));
  } catch (error) {
    figures.push({
      embedder: use.id,
      dimensions: use.dimensions,
      loadMs: Number.NaN,
      requests: 0,
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      batchedMsPerText: Number.NaN,
      note: `not measured: ${(error as Error).message.split('.')[0]}`,
    });
  }
  return figures;
}

async function measureEmbedder(
  embedder: Embedder,
  texts: string[],
  requests: number,
  loadMs: number,
): Promise<EmbedderFigures> {
  for (let warmup = 0; warmup < 5; warmup++) await embedder.embed([texts[warmup % texts.length]!]);
  const samples: number[] = [];
  const started = performance.now();
  for (let request = 0; request < requests && performance.now() - started < EMBED_MAX_MS; request++) {
    const requestStarted = performance.now();
    await embedder.embed([texts[request % texts.length]!]);
    samples.push(performance.now() - requestStarted);
  }
  const batch = Array.from({ length: 64 }, (_, position) => texts[position % texts.length]!);
  const batchStarted = performance.now();
  await embedder.embed(batch);
  const batchedMsPerText = (performance.now() - batchStarted) / batch.length;
  const summary = summarise(samples);
  return {
    embedder: embedder.id,
    dimensions: embedder.dimensions,
    loadMs,
    requests: summary.count,
    p50Ms: summary.p50,
    p99Ms: summary.p99,
    batchedMsPerText,
  };
}

export function printEmbedders(figures: EmbedderFigures[]): void {
  printTable(
    'Embedding time per request (one text per call; HTTP embedders are network-bound and not measured here)',
    figures.map((figure) => ({
      embedder: figure.embedder,
      dimensions: figure.dimensions,
      load: Number.isNaN(figure.loadMs) ? '-' : formatMs(figure.loadMs),
      requests: figure.requests,
      p50: Number.isNaN(figure.p50Ms) ? '-' : formatMs(figure.p50Ms),
      p99: Number.isNaN(figure.p99Ms) ? '-' : formatMs(figure.p99Ms),
      'batch of 64, per text': Number.isNaN(figure.batchedMsPerText)
        ? '-'
        : formatMs(figure.batchedMsPerText),
      ...(figure.note ? { note: figure.note } : {}),
    })),
  );
}

// ---------------------------------------------------------------------------------------------------
// banking77 calibration

export interface Banking77Calibration {
  embedder: string;
  /** Thresholds chosen on train.csv alone (warm with 80%, query the other 20%). */
  tuning: CalibrationReport;
  /** Warm with all of train.csv, answer test.csv. */
  test: CalibrationReport;
  /** Built-in intents matched on test.csv requests (none of which is a greeting, hours question …). */
  intentFalsePositives: IntentFalsePositives;
}

export interface Banking77Options {
  /** Which embedders; default both built-in ones. */
  embedders?: Array<'hashing-v1' | 'use-v1'>;
  /** Stop an embedder's run once embedding has taken this long; default 15 minutes. */
  maxEmbedMs?: number;
  onProgress?: (message: string) => void;
}

/**
 * Hit rate and wrong-intent rate per threshold (0.80–0.99), with and without guards, for each built-in
 * embedder; the recommended thresholds come from a split of train.csv and are then read off test.csv.
 */
export async function benchBanking77Calibration(
  options: Banking77Options = {},
): Promise<Banking77Calibration[]> {
  const data = loadBanking77();
  if (!data) throw new Error(`banking77 not found under ${BANKING77}; set STEWARD_BANKING77_DIR`);
  const tuneWarm = data.train.filter((_, index) => index % 5 !== 0);
  const tuneQueries = data.train.filter((_, index) => index % 5 === 0);
  const results: Banking77Calibration[] = [];
  for (const name of options.embedders ?? ['hashing-v1', 'use-v1']) {
    const embedder = memoizeEmbedder(name === 'hashing-v1' ? createHashingEmbedder() : createUseEmbedder(), {
      maxMs: options.maxEmbedMs ?? 15 * 60_000,
    });
    const onProgress = (stage: string, done: number, total: number) =>
      options.onProgress?.(`${name}: ${stage} ${done}/${total}`);
    const tuning = await calibrateThresholds({ embedder, warm: tuneWarm, queries: tuneQueries, onProgress });
    const test = await calibrateThresholds({ embedder, warm: data.train, queries: data.test, onProgress });
    const matcher = createIntentMatcher({ embedder });
    const falsePositives = await intentFalsePositives(
      matcher,
      data.test.map((row) => row.text),
    );
    results.push({ embedder: name, tuning, test, intentFalsePositives: falsePositives });
  }
  return results;
}

export function printBanking77Calibration(results: Banking77Calibration[]): void {
  for (const { embedder, tuning, test, intentFalsePositives: falsePositives } of results) {
    const rows = test.rows.filter((row) => !row.guarded);
    printTable(
      `banking77, ${embedder}: warm with train.csv (${test.warmCount}), answer test.csv (${test.queryCount}). hit = served from cache, wrong = served another intent's answer (% of all requests; % of hits)`,
      rows.map((row) => {
        const guarded = test.rows.find((other) => other.guarded && other.threshold === row.threshold)!;
        return {
          threshold: row.threshold.toFixed(2),
          'hit %': (row.hitRate * 100).toFixed(1),
          'wrong %': (row.wrongRate * 100).toFixed(2),
          'wrong % of hits': percent(row.wrongShareOfHits),
          'guarded hit %': (guarded.hitRate * 100).toFixed(1),
          'guarded wrong %': (guarded.wrongRate * 100).toFixed(2),
          'guarded wrong % of hits': percent(guarded.wrongShareOfHits),
        };
      }),
    );
    const at = (threshold: number | null, guarded: boolean) =>
      threshold === null
        ? undefined
        : test.rows.find((row) => row.guarded === guarded && row.threshold === threshold);
    const recommendedUnguarded = at(tuning.recommended.unguarded, false);
    const recommendedGuarded = at(tuning.recommended.guarded, true);
    console.log(
      [
        `  nearest-neighbour intent accuracy ${(test.nearestAccuracy * 100).toFixed(1)}%; exact (normalised) hits ${test.exactHits}; embed ${formatMs(test.embedMsPerText)}/text; search ${formatMs(test.searchMsPerQuery)}/query`,
        `  tuned on train.csv (wrong <= 1% of requests): unguarded ${tuning.recommended.unguarded ?? 'none'}, guarded ${tuning.recommended.guarded ?? 'none'}`,
        recommendedUnguarded
          ? `  on test.csv at ${recommendedUnguarded.threshold}: hit ${(recommendedUnguarded.hitRate * 100).toFixed(1)}%, wrong ${(recommendedUnguarded.wrongRate * 100).toFixed(2)}% (unguarded)`
          : '',
        recommendedGuarded
          ? `  on test.csv at ${recommendedGuarded.threshold}: hit ${(recommendedGuarded.hitRate * 100).toFixed(1)}%, wrong ${(recommendedGuarded.wrongRate * 100).toFixed(2)}% (guarded)`
          : '',
        `  guard rejections of nearest entries >= 0.80 on test.csv: ${Object.entries(test.guardRejections)
          .map(([reason, tally]) => `${reason} ${tally.rejected} (${tally.wouldBeWrong} would be wrong)`)
          .join(', ')}`,
        `  built-in intents matched on test.csv: ${falsePositives.matched} of ${falsePositives.total}${falsePositives.examples.length ? ` (${falsePositives.examples.map((example) => `"${example.text}" → ${example.intent} ${example.score.toFixed(2)}`).join('; ')})` : ''}`,
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }
}

function percent(value: number): string {
  return Number.isNaN(value) ? '-' : (value * 100).toFixed(1);
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const wants = (name: string) => only.length === 0 || only.includes(name);
  console.log(`claude-steward cache benchmarks — node ${process.version}, ${new Date().toISOString()}`);
  if (wants('exact')) printExactLookups(await benchExactLookups());
  if (wants('search')) printSemanticSearch(await benchSemanticSearch());
  if (wants('embedders')) printEmbedders(await benchEmbedders());
  if (wants('banking77')) {
    printBanking77Calibration(
      await benchBanking77Calibration({ onProgress: (message) => process.stderr.write(`\r${message}   `) }),
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
