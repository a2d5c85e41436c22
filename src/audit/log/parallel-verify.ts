/**
 * Chain verification of a SQLite file on every core. A chain splits into seq ranges that are checked
 * independently (each record's hash covers its own prevHash, so a range needs nothing from the others);
 * the ranges then have to join: each one's first prevHash is the previous one's last hash. Worker threads,
 * one per core, each with its own read-only connection, take ranges from one shared counter, so none
 * waits for another to hand it work, and the calling thread's event loop stays free meanwhile (a server
 * answering `GET /api/audit/verify` keeps serving). A range a failed worker took and never reported is
 * checked on the calling thread at the end.
 *
 * It only says whether the chain is intact. When any range is broken, the answer is `undefined` and the
 * caller verifies sequentially, which names and classifies the first bad record.
 */
import { availableParallelism } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { startModuleWorker } from '../../threads/index.js';
import { planRange, planRanges, type RangeResult, type SharedPlan, verifyRange } from './verify-range.js';

export interface ParallelChainInput {
  /** The SQLite database file. */
  path: string;
  tenantId: string;
  /** Inclusive seq bounds of the records to check. */
  fromSeq: number;
  toSeq: number;
  /** The prevHash the first record must carry. */
  expectedPrevHash: string;
  /** Signed head hashes by seq. */
  anchors: ReadonlyMap<number, string>;
  /** Worker threads; default one per core, at most 4; 0: the calling thread checks every range. */
  workers?: number;
  /** Records per range; default 10,000. */
  rangeRecords?: number;
}

export interface ParallelChainSummary {
  records: number;
  lastSeq: number;
  lastHash: string;
  anchorsMatched: number;
}

/** Chains shorter than this are not worth a worker's start (~0.05 s built, ~0.2 s from source). */
export const PARALLEL_MIN_RECORDS = 50_000;

/**
 * @returns the intact chain's figures, or undefined when it is not intact (verify sequentially).
 * @example
 * const summary = await verifyChainInParallel({ path, tenantId: 'acme', fromSeq: 1, toSeq: 1_000_000,
 *   expectedPrevHash: GENESIS_HASH, anchors });
 */
export async function verifyChainInParallel(
  input: ParallelChainInput,
): Promise<ParallelChainSummary | undefined> {
  const plan: SharedPlan = {
    tenantId: input.tenantId,
    fromSeq: input.fromSeq,
    toSeq: input.toSeq,
    rangeRecords: input.rangeRecords ?? 10_000,
    anchors: [...input.anchors],
    counter: new Int32Array(new SharedArrayBuffer(8)),
  };
  const ranges = planRanges(plan);
  const results: Array<RangeResult | undefined> = new Array(ranges);
  const workerCount = Math.max(0, Math.min(4, input.workers ?? availableParallelism()));
  const finished: Array<Promise<void>> = [];
  for (let index = 0; index < Math.min(workerCount, ranges); index++) {
    const worker = startModuleWorker('./verify-worker', import.meta.url, {
      workerData: { ...plan, path: input.path },
      // A worker's default young generation is small for this much short-lived garbage (row arrays,
      // canonical texts): 64 MiB made its ranges ~1.5× faster here.
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
    });
    worker.on('message', (message: { result?: RangeResult }) => {
      if (message.result) results[message.result.index] = message.result;
    });
    // Done, failed or crashed, the worker exits (after its posted results arrive); a range it took and
    // never reported is redone below. The listener keeps a worker's error from throwing here.
    worker.on('error', () => {});
    finished.push(new Promise<void>((resolve) => worker.once('exit', () => resolve())));
  }

  await Promise.all(finished);
  if (Atomics.load(plan.counter, 1) !== 0) return undefined;
  const missing: number[] = [];
  for (let index = 0; index < ranges; index++) if (!results[index]) missing.push(index);
  if (missing.length > 0) {
    // Ranges a failed worker took and never reported (every range, if no worker could start).
    const database = new BetterSqlite3(input.path, { readonly: true, fileMustExist: true });
    try {
      for (const index of missing) {
        const result = verifyRange(database, planRange(plan, index));
        if (result.broken) return undefined;
        results[index] = result;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      database.close();
    }
  }

  let expectedPrevHash = input.expectedPrevHash;
  const summary: ParallelChainSummary = {
    records: 0,
    lastSeq: input.fromSeq - 1,
    lastHash: expectedPrevHash,
    anchorsMatched: 0,
  };
  for (const result of results) {
    if (!result || result.records === 0 || result.firstPrevHash !== expectedPrevHash) return undefined;
    expectedPrevHash = result.lastHash!;
    summary.records += result.records;
    summary.anchorsMatched += result.anchorsMatched;
    summary.lastSeq = result.toSeq;
    summary.lastHash = result.lastHash!;
  }
  return summary;
}
