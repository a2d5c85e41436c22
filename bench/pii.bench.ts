/**
 * PII detection throughput over realistic support text (the labelled messages, repeated to 20 MB),
 * and the precision/recall table on the labelled and held-out sets. MB here is 10^6 bytes of UTF-8.
 */
import { performance } from 'node:perf_hooks';
import { heldOutMessages } from '../src/privacy/__fixtures__/held-out.js';
import { labelledMessages } from '../src/privacy/__fixtures__/labelled.js';
import {
  builtInRecognizers,
  createPhoneRecognizer,
  createPiiDetector,
  evaluatePii,
  type PiiDetector,
  type PiiEvaluation,
  piiTypes,
} from '../src/privacy/index.js';
import { printTable } from './stats.js';

export interface PiiThroughputFigures {
  /** Each message detected on its own, as the audit writer does, with the built-in detector. */
  megabytesPerSecond: number;
  /**
   * The same per CPU second of this process (user + system): what the code costs, independent of
   * other work competing for the machine's cores.
   */
  cpuMegabytesPerSecond: number;
  /** Findings per MB of that corpus (it is dense: every message was written to hold PII). */
  findingsPerMb: number;
  /** The same, with the phone recognizer's verdict memo off: what text full of new numbers costs. */
  coldMegabytesPerSecond: number;
  /** Messages joined into ~64 KB documents (tool outputs, transcripts): per-call overhead amortised. */
  documentMegabytesPerSecond: number;
  megabytes: number;
  seconds: number;
  messages: number;
}

const TARGET_BYTES = 20_000_000;
const COLD_TARGET_BYTES = 4_000_000;
const WARMUP_BYTES = 2_000_000;
const DOCUMENT_BYTES = 64_000;
/** Every loop also stops at this wall-clock bound. */
const MAX_MS = 60_000;

/** The corpus as flat strings (the fixtures build theirs by concatenation). */
function corpus(): string[] {
  return [...labelledMessages, ...heldOutMessages].map((message) => Buffer.from(message.text).toString());
}

function run(
  detector: PiiDetector,
  texts: readonly string[],
  targetBytes: number,
): { bytes: number; seconds: number; cpuSeconds: number; findings: number; calls: number } {
  const sizes = texts.map((text) => Buffer.byteLength(text));
  let bytes = 0;
  let findings = 0;
  let calls = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  while (bytes < targetBytes && performance.now() - started < MAX_MS) {
    for (let index = 0; index < texts.length; index++) {
      findings += detector.detect(texts[index]!).length;
      bytes += sizes[index]!;
      calls++;
    }
  }
  const cpu = process.cpuUsage(cpuStarted);
  return {
    bytes,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    findings,
    calls,
  };
}

function documents(texts: readonly string[]): string[] {
  const joined: string[] = [];
  let current = '';
  for (const text of texts) {
    current += `${text}\n\n`;
    if (current.length >= DOCUMENT_BYTES) {
      joined.push(current);
      current = '';
    }
  }
  if (current) joined.push(current);
  return joined;
}

/**
 * Measures detection throughput; bounded to about a minute per figure.
 *
 * @example printPiiThroughput(await benchPiiThroughput());
 */
export async function benchPiiThroughput(): Promise<PiiThroughputFigures> {
  const texts = corpus();
  const detector = createPiiDetector();
  run(detector, texts, WARMUP_BYTES);
  const warm = run(detector, texts, TARGET_BYTES);

  const coldRecognizers = builtInRecognizers.map((recognizer) =>
    recognizer.type === 'phone' ? createPhoneRecognizer({ cacheSize: 0 }) : recognizer,
  );
  const cold = createPiiDetector({ recognizers: coldRecognizers });
  run(cold, texts, WARMUP_BYTES / 4);
  const coldRun = run(cold, texts, COLD_TARGET_BYTES);

  const joined = documents(texts);
  run(detector, joined, WARMUP_BYTES);
  const documentRun = run(detector, joined, TARGET_BYTES);

  return {
    megabytesPerSecond: warm.bytes / 1e6 / warm.seconds,
    cpuMegabytesPerSecond: warm.bytes / 1e6 / warm.cpuSeconds,
    findingsPerMb: warm.findings / (warm.bytes / 1e6),
    coldMegabytesPerSecond: coldRun.bytes / 1e6 / coldRun.seconds,
    documentMegabytesPerSecond: documentRun.bytes / 1e6 / documentRun.seconds,
    megabytes: warm.bytes / 1e6,
    seconds: warm.seconds,
    messages: warm.calls,
  };
}

export function printPiiThroughput(figures: PiiThroughputFigures): void {
  printTable('PII detection throughput (target >= 5 MB/s)', [
    {
      corpus: `${figures.megabytes.toFixed(1)} MB, ${figures.messages} messages`,
      'MB/s per message': figures.megabytesPerSecond.toFixed(2),
      'MB per CPU-s': figures.cpuMegabytesPerSecond.toFixed(2),
      'MB/s, phone memo off': figures.coldMegabytesPerSecond.toFixed(2),
      'MB/s, 64 KB documents': figures.documentMegabytesPerSecond.toFixed(2),
      'findings/MB': Math.round(figures.findingsPerMb),
    },
  ]);
}

/** Precision and recall of the default detector on the labelled (tuning) set and the held-out set. */
export function measurePrecisionRecall(): { labelled: PiiEvaluation; heldOut: PiiEvaluation } {
  const detector = createPiiDetector();
  return {
    labelled: evaluatePii(detector, labelledMessages),
    heldOut: evaluatePii(detector, heldOutMessages),
  };
}

/** Prints one row per type and an overall (micro-averaged) row. */
export function printPrecisionRecall(table: PiiEvaluation, title = 'PII precision and recall'): void {
  const row = (type: string, score: PiiEvaluation['overall']) => ({
    type,
    tp: score.tp,
    fp: score.fp,
    fn: score.fn,
    precision: score.precision.toFixed(3),
    recall: score.recall.toFixed(3),
    f1: score.f1.toFixed(3),
  });
  printTable(title, [
    ...piiTypes.map((type) => row(type, table.byType[type])),
    row('overall', table.overall),
  ]);
}
