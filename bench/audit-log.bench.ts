/**
 * The tamper-evident audit log: durable appends per second (each call resolves after its commit),
 * sequential and with 64 concurrent callers sharing group commits, and verification in records per
 * second, over the store (verifyChain: worker threads on SQLite, and one thread through keyset pages)
 * and in memory (verifyRecords, hashing only).
 */
import { performance } from 'node:perf_hooks';
import {
  AuditLog,
  type AuditRecordInput,
  generateCheckpointSigner,
  verifyChain,
  verifyRecords,
} from '../src/audit/log/index.js';
import { auditDatabase, fromRecordRow } from '../src/audit/log/schema.js';
import type { StewardStore } from '../src/store/index.js';
import { printTable } from './stats.js';

const SEQUENTIAL = 2_000;
const CONCURRENT_CALLERS = 64;
const CONCURRENT_RECORDS = 100_000;
const VERIFY_RECORDS = 200_000;
/** Events one interaction appends together (message, tool call, decision, reply), as the audit sink does. */
const EVENTS_PER_INTERACTION = 4;
/** Every loop also stops at this wall-clock bound. */
const MAX_MS = 30_000;

export interface AuditLogFigures {
  engine: string;
  sequentialPerSecond: number;
  sequentialP50Ms: number;
  concurrentPerSecond: number;
  /** Records per write transaction in the concurrent run. */
  recordsPerCommit: number;
  /** 64 concurrent callers each appending one interaction's 4 events per call. */
  concurrentInteractionsRecordsPerSecond: number;
  /** End to end from the store: on SQLite with worker threads (parallel-verify.ts). */
  verifyChainPerSecond: number;
  /** End to end from the store, one thread (keyset pages through the ChainVerifier). */
  verifyChainSequentialPerSecond: number;
  verifyRecordsPerSecond: number;
  verifiedRecords: number;
}

let counter = 0;
function input(tenantId: string): AuditRecordInput {
  counter++;
  return {
    tenantId,
    agentId: 'front-desk',
    eventType: 'message-received',
    at: 1_780_000_000_000 + counter,
    conversationId: `c-${counter % 50}`,
    interactionId: `i-${counter}`,
    channel: 'web',
    level: 'standard',
    // A typical masked message event: ~200 bytes of payload.
    payload: {
      text: `Hi, my email is [EMAIL] and my order ${counter} has not arrived yet.`,
      senderId: 'u-1',
    },
  };
}

/** Counts write transactions, to report how many records each group commit carried. */
function counting(store: StewardStore): { store: StewardStore; commits: () => number } {
  let commits = 0;
  return {
    store: {
      ...store,
      writeTransaction: (work) => {
        commits++;
        return store.writeTransaction(work);
      },
    },
    commits: () => commits,
  };
}

export async function benchAuditLog(store: StewardStore): Promise<AuditLogFigures> {
  const counted = counting(store);
  const log = new AuditLog(counted.store, { signer: generateCheckpointSigner() });
  try {
    // Warm-up (JIT, statement cache, the tenant's head row).
    for (let index = 0; index < 200; index++) await log.append(input('warm'));

    const samples: number[] = [];
    const sequentialStart = performance.now();
    while (samples.length < SEQUENTIAL && performance.now() - sequentialStart < MAX_MS) {
      const started = performance.now();
      await log.append(input('sequential'));
      samples.push(performance.now() - started);
    }
    const sequentialSeconds = (performance.now() - sequentialStart) / 1000;
    samples.sort((a, b) => a - b);

    let issued = 0;
    const commitsBefore = counted.commits();
    const concurrentStart = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENT_CALLERS }, async () => {
        while (issued < CONCURRENT_RECORDS && performance.now() - concurrentStart < MAX_MS) {
          issued++;
          await log.append(input('concurrent'));
        }
      }),
    );
    const concurrentSeconds = (performance.now() - concurrentStart) / 1000;
    const commits = counted.commits() - commitsBefore;

    let interactionRecords = 0;
    const interactionsStart = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENT_CALLERS }, async () => {
        while (interactionRecords < CONCURRENT_RECORDS && performance.now() - interactionsStart < MAX_MS) {
          interactionRecords += EVENTS_PER_INTERACTION;
          await log.append(Array.from({ length: EVENTS_PER_INTERACTION }, () => input('interactions')));
        }
      }),
    );
    const interactionsSeconds = (performance.now() - interactionsStart) / 1000;

    // Fill the verified tenant up to VERIFY_RECORDS in large appends (bounded in time as well).
    const fillStart = performance.now();
    for (
      let filled = issued;
      filled < VERIFY_RECORDS && performance.now() - fillStart < MAX_MS;
      filled += 1_000
    ) {
      await log.append(Array.from({ length: 1_000 }, () => input('concurrent')));
    }
    await log.flush();

    const timedVerify = async (parallel: boolean) => {
      const started = performance.now();
      const report = await verifyChain(store, { tenantId: 'concurrent', parallel });
      const seconds = (performance.now() - started) / 1000;
      const tenant = report.tenants[0]!;
      if (!report.ok)
        throw new Error(`the benchmark's chain does not verify: ${JSON.stringify(tenant.problems)}`);
      return { tenant, seconds };
    };
    const { tenant, seconds: verifySeconds } = await timedVerify(true);
    const { seconds: sequentialVerifySeconds } = await timedVerify(false);

    const rows = await auditDatabase(store.db)
      .selectFrom('audit_records')
      .selectAll()
      .where('tenant_id', '=', 'concurrent')
      .orderBy('seq')
      .execute();
    const records = rows.map(fromRecordRow);
    const memoryStart = performance.now();
    const inMemory = verifyRecords(records);
    const memorySeconds = (performance.now() - memoryStart) / 1000;
    if (!inMemory.ok) throw new Error('verifyRecords disagrees with verifyChain');

    return {
      engine: store.engine,
      sequentialPerSecond: samples.length / sequentialSeconds,
      sequentialP50Ms: samples[Math.floor(samples.length / 2)] ?? Number.NaN,
      concurrentPerSecond: issued / concurrentSeconds,
      recordsPerCommit: issued / Math.max(1, commits),
      concurrentInteractionsRecordsPerSecond: interactionRecords / interactionsSeconds,
      verifyChainPerSecond: tenant.records / verifySeconds,
      verifyChainSequentialPerSecond: tenant.records / sequentialVerifySeconds,
      verifyRecordsPerSecond: records.length / memorySeconds,
      verifiedRecords: tenant.records,
    };
  } finally {
    await log.close();
  }
}

export function printAuditLog(figures: AuditLogFigures[]): void {
  printTable(
    `Audit log: durable appends/s (target >= 20,000 with ${CONCURRENT_CALLERS} concurrent callers) and verification records/s (target >= 200,000)`,
    figures.map((figure) => ({
      engine: figure.engine,
      'sequential appends/s': Math.round(figure.sequentialPerSecond),
      'sequential p50': `${figure.sequentialP50Ms.toFixed(2)} ms`,
      [`concurrent(${CONCURRENT_CALLERS}) appends/s`]: Math.round(figure.concurrentPerSecond),
      'records/commit': figure.recordsPerCommit.toFixed(1),
      [`concurrent(${CONCURRENT_CALLERS}) × ${EVENTS_PER_INTERACTION}-event appends, records/s`]: Math.round(
        figure.concurrentInteractionsRecordsPerSecond,
      ),
      'verifyChain records/s': Math.round(figure.verifyChainPerSecond),
      'verifyChain, one thread': Math.round(figure.verifyChainSequentialPerSecond),
      'verifyRecords records/s': Math.round(figure.verifyRecordsPerSecond),
      'records verified': figure.verifiedRecords,
    })),
  );
}
