/**
 * Compliance reports over a large audit log: inserts 1,000,000 records (a realistic mix of pipeline,
 * trust and audit events over 30 days) through the AuditLog into a SQLite file, then times
 * generateAuditReport over all of them, with and without chain verification, and each rendering.
 *
 * Alone: `npx tsx bench/audit-report.bench.ts [records]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import {
  AuditLog,
  type AuditRecordInput,
  generateCheckpointSigner,
  verifyChain,
} from '../src/audit/log/index.js';
import { type AuditReport, generateAuditReport, renderReport } from '../src/audit/reports/index.js';
import { openStore, type StewardStore } from '../src/store/index.js';
import { printTable } from './stats.js';

const RECORDS = 1_000_000;
/** Records per append: one transaction each, chained and checkpointed by the log as usual. */
const APPEND_SIZE = 5_000;
/** The insert loop stops at this wall-clock bound, whatever it reached. */
const MAX_INSERT_MS = 240_000;
const DAY = 86_400_000;
const PERIOD_START = Date.parse('2026-05-01T00:00:00Z');
const PERIOD_MS = 30 * DAY;
const TENANT = 'bench';
const AGENTS = 20;
const TOOLS = [
  'Read',
  'Grep',
  'Glob',
  'WebFetch',
  'Bash',
  'Write',
  'Edit',
  'mcp__crm__lookup',
  'mcp__crm__update',
];

export interface AuditReportFigures {
  records: number;
  insertSeconds: number;
  insertPerSecond: number;
  databaseMb: number;
  reportMs: number;
  reportWithVerifyMs: number;
  peakHeapMb: number;
  renderMs: Record<'json' | 'md' | 'html', number>;
  renderedKb: Record<'json' | 'md' | 'html', number>;
  deniedTotal: number;
  integrity: string;
}

/** A deterministic generator (mulberry32), so every run inserts the same log. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Event = [eventType: string, payload: Record<string, unknown>];

/** The event mix, by cumulative share: mostly traffic, 4% denials, 1% trust, approval, access and alerts. */
const MIX: [share: number, make: (index: number, toolName: string, next: () => number) => Event][] = [
  [0.38, (index) => ['message-received', { text: `Hi, my email is [EMAIL] and order ${index} is late.` }]],
  [
    0.68,
    (index) => ['reply-sent', { text: `Sorry about order ${index}; I asked the warehouse.`, tier: 'model' }],
  ],
  [
    0.8,
    (index, toolName) => [
      'tool-call-allowed',
      { toolName, toolUseId: `t-${index}`, level: 0.5, rule: 'level' },
    ],
  ],
  [0.9, (index, toolName) => ['tool-call-completed', { toolName, toolUseId: `t-${index}` }]],
  [0.95, () => ['tier-answered', { tier: 'cache', costUsd: 0 }]],
  [0.99, (_, toolName) => ['tool-call-denied', { toolName, level: 0.3, requiredLevel: 0.7, rule: 'level' }]],
  [1, (index, _, next) => rareRecord(index, next)],
];

function recordAt(index: number, total: number, next: () => number): AuditRecordInput {
  const agentId = `agent-${Math.floor(next() * AGENTS)}`;
  const toolName = TOOLS[Math.floor(next() * TOOLS.length)]!;
  const roll = next();
  const make = MIX.find(([share]) => roll < share)?.[1] ?? MIX.at(-1)![1];
  const [eventType, payload] = make(index, toolName, next);
  return {
    tenantId: TENANT,
    agentId,
    eventType,
    at: PERIOD_START + Math.floor((index / total) * PERIOD_MS),
    conversationId: `c-${index % 5_000}`,
    interactionId: `i-${Math.floor(index / 6)}`,
    channel: 'web',
    level: 'standard',
    payload,
  };
}

/** The 1% of trust, approval, access and alert records that the report lists. */
function rareRecord(index: number, next: () => number): Event {
  const roll = next();
  if (roll < 0.3)
    return ['trust-level-changed', { from: 0.3, to: 0.5, kind: 'rule', reason: 'success rate' }];
  if (roll < 0.5)
    return ['trust-approval-requested', { approvalId: `a-${index}`, toolName: 'Bash', level: 0.3 }];
  if (roll < 0.7) return ['trust-approval-decided', { approvalId: `a-${index - 1}`, status: 'approved' }];
  if (roll < 0.85) return ['audit-record-decrypted', { recordIds: [`r-${index}`], seqs: [index] }];
  if (roll < 0.95)
    return ['audit-alert-raised', { type: 'unusual_activity', reason: 'new-tool', severity: 'low' }];
  return ['config-changed', { changedKeys: ['trust'], configHash: String(index) }];
}

/** Inserts `total` records through the AuditLog in large appends; returns how many went in. */
async function insert(store: StewardStore, total: number): Promise<number> {
  const log = new AuditLog(store, {
    signer: generateCheckpointSigner(),
    maxBatchRecords: APPEND_SIZE,
    now: () => PERIOD_START + PERIOD_MS,
  });
  const next = random(42);
  const started = performance.now();
  let inserted = 0;
  try {
    while (inserted < total && performance.now() - started < MAX_INSERT_MS) {
      const size = Math.min(APPEND_SIZE, total - inserted);
      const batch: AuditRecordInput[] = [];
      for (let index = inserted; index < inserted + size; index++) {
        const record = recordAt(index, total, next);
        // Access and config records carry who acted.
        if (record.eventType === 'audit-record-decrypted' || record.eventType === 'config-changed') {
          record.actor = `operator-${index % 3}`;
        }
        batch.push(record);
      }
      await log.append(batch);
      inserted += size;
    }
  } finally {
    await log.close();
  }
  return inserted;
}

/** Runs `work` while sampling the heap; resolves with its result, time and the peak heap. */
async function measured<Result>(work: () => Promise<Result>) {
  let peak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20);
  const started = performance.now();
  try {
    const result = await work();
    return { result, ms: performance.now() - started, peakHeapMb: peak / 1_048_576 };
  } finally {
    clearInterval(sampler);
  }
}

export async function benchAuditReport(store: StewardStore, records = RECORDS): Promise<AuditReportFigures> {
  const insertStart = performance.now();
  const inserted = await insert(store, records);
  const insertSeconds = (performance.now() - insertStart) / 1000;
  const size = await sql<{ bytes: number }>`
    select page_count * page_size as bytes from pragma_page_count(), pragma_page_size()`.execute(store.db);

  const options = {
    standard: 'SOC2',
    tenantId: TENANT,
    from: PERIOD_START,
    to: PERIOD_START + PERIOD_MS,
  } as const;
  // Once to warm the page cache and JIT, as a report run after the log was written would be.
  await generateAuditReport(store, options);
  const plain = await measured(() => generateAuditReport(store, options));
  const verified = await measured(() =>
    generateAuditReport(store, { ...options, verify: (tenantId) => verifyChain(store, { tenantId }) }),
  );
  const report: AuditReport = verified.result;
  if (report.integrity.status !== 'verified') {
    throw new Error(`the benchmark's chain does not verify: ${JSON.stringify(report.integrity.tenants)}`);
  }
  const renderMs = { json: 0, md: 0, html: 0 };
  const renderedKb = { json: 0, md: 0, html: 0 };
  for (const format of ['json', 'md', 'html'] as const) {
    const started = performance.now();
    const text = renderReport(report, format);
    renderMs[format] = performance.now() - started;
    renderedKb[format] = Buffer.byteLength(text) / 1024;
  }
  return {
    records: inserted,
    insertSeconds,
    insertPerSecond: inserted / insertSeconds,
    databaseMb: Number(size.rows[0]?.bytes ?? 0) / 1_048_576,
    reportMs: plain.ms,
    reportWithVerifyMs: verified.ms,
    peakHeapMb: Math.max(plain.peakHeapMb, verified.peakHeapMb),
    renderMs,
    renderedKb,
    deniedTotal: report.deniedActions.total,
    integrity: report.integrity.status,
  };
}

export function printAuditReport(figures: AuditReportFigures[]): void {
  printTable(
    'Audit report: records inserted through the AuditLog into SQLite (target: 1,000,000), then generateAuditReport (SOC 2, 30 days, one tenant, 20 agents) and each rendering',
    figures.flatMap((figure) =>
      (['json', 'md', 'html'] as const).map((format) => ({
        records: figure.records,
        'insert s': figure.insertSeconds.toFixed(1),
        'insert records/s': Math.round(figure.insertPerSecond),
        'db MB': figure.databaseMb.toFixed(0),
        format,
        'report ms': Math.round(figure.reportMs),
        'report + verifyChain ms': Math.round(figure.reportWithVerifyMs),
        'render ms': figure.renderMs[format].toFixed(1),
        'report + render ms': Math.round(figure.reportMs + figure.renderMs[format]),
        'output KB': figure.renderedKb[format].toFixed(0),
        'peak heap MB': figure.peakHeapMb.toFixed(0),
      })),
    ),
  );
}

async function main(): Promise<void> {
  const records = Number(process.argv[2] ?? process.env.STEWARD_BENCH_REPORT_RECORDS ?? RECORDS);
  const directory = mkdtempSync(join(tmpdir(), 'steward-bench-report-'));
  const store = await openStore({ path: join(directory, 'steward.db') }, {});
  try {
    printAuditReport([await benchAuditReport(store, records)]);
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
