/** Builds a SOC 2 or HIPAA compliance report over a period of the audit log, in bounded memory. */
import { z } from 'zod';
import { parseDuration, validateConfig } from '../../config/index.js';
import type { StewardStore } from '../../store/index.js';
import { sortedCounts } from './bounded.js';
import {
  accessCollector,
  administrationCollector,
  anomaliesCollector,
  approvalsCollector,
  type Collector,
  configChangesCollector,
  deniedActionsCollector,
  permissionChangesCollector,
} from './collectors.js';
import { mapControls } from './controls.js';
import { countRecords, oldestLiveRecordAt, type RecordCounts, streamRecords } from './read-records.js';
import type {
  AuditReport,
  ComplianceStandard,
  IntegritySection,
  RetentionSection,
  RetentionStatusLike,
  TotalsSection,
  VerifyReportLike,
} from './types.js';

const isFunction = (value: unknown) => typeof value === 'function';
const epochMs = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const reportOptionsSchema = z
  .object({
    standard: z.enum(['SOC2', 'HIPAA']),
    /** One tenant; default every tenant with records in the period. */
    tenantId: z.string().min(1).max(128).optional(),
    /** Inclusive start, epoch ms. */
    from: epochMs,
    /** Exclusive end, epoch ms. */
    to: epochMs,
    now: z.custom<() => number>(isFunction, 'a function returning epoch ms').optional(),
    verify: z
      .custom<(tenantId: string) => Promise<VerifyReportLike>>(isFunction, 'a function (tenantId) => report')
      .optional(),
    retention: z
      .object({
        policyDuration: z
          .string()
          .refine((text) => parseDuration(text) !== undefined, 'a duration such as 90d or 7y'),
        oldestLiveRecordAt: epochMs.nullable().optional(),
        archivedSegments: z.number().int().min(0).optional(),
        legalHold: z.boolean().optional(),
        legalHoldReason: z.string().optional(),
      })
      .strict()
      .optional(),
    /** Records per page read from the store; default 2,000. */
    pageSize: z.number().int().min(10).max(10_000).default(2_000),
    /** Entries listed per section (counts always cover everything); default 500. */
    listLimit: z.number().int().min(0).max(100_000).default(500),
  })
  .strict()
  .refine((options) => options.from < options.to, { message: 'from must be before to', path: ['to'] });

export interface AuditReportOptions {
  standard: ComplianceStandard;
  /** One tenant; default every tenant with records in the period. */
  tenantId?: string;
  /** Inclusive start, epoch ms. */
  from: number;
  /** Exclusive end, epoch ms. */
  to: number;
  /** The report's `generatedAt` and the retention check's clock; default `Date.now`. */
  now?: () => number;
  /** Verifies one tenant's chain, e.g. `(tenantId) => verifyChain(store, { tenantId })`; without it, not run. */
  verify?: (tenantId: string) => Promise<VerifyReportLike>;
  /** Retention state from the caller; without it the section says `not-provided`. */
  retention?: RetentionStatusLike;
  /** Records per page read from the store; default 2,000. */
  pageSize?: number;
  /** Entries listed per section (counts always cover everything); default 500. */
  listLimit?: number;
}

/**
 * A compliance report over `[from, to)`: totals, access accounting, permission and configuration
 * changes, denials, approvals, anomalies, integrity, retention and the standard's control mapping.
 * Counts come from one GROUP BY; the sections' records are streamed per event type in keyset pages,
 * so memory stays bounded by `pageSize` and `listLimit` whatever the log's size.
 *
 * @example
 * const report = await generateAuditReport(store, {
 *   standard: 'HIPAA', tenantId: 'clinic', from: Date.parse('2026-01-01'), to: Date.parse('2026-04-01'),
 *   verify: (tenantId) => verifyChain(store, { tenantId }),
 *   retention: { policyDuration: '6y', archivedSegments: 12, legalHold: false },
 * });
 * await writeFile('q1.html', renderReport(report, 'html'));
 */
export async function generateAuditReport(
  store: StewardStore,
  options: AuditReportOptions,
): Promise<AuditReport> {
  const config = validateConfig(reportOptionsSchema, options, 'audit report options');
  const now = config.now ?? Date.now;
  const tenantId = config.tenantId ?? null;
  const window = { tenantId, from: config.from, to: config.to };

  const counts = await countRecords(store, window);
  const totals = summarise(counts);
  const tenants =
    tenantId !== null ? [tenantId] : [...new Set(counts.byEventType.map((row) => row.tenantId))].sort();
  const present = new Set(counts.byEventType.map((row) => `${row.tenantId}\u0000${row.eventType}`));

  const limit = config.listLimit;
  const collectors = {
    access: accessCollector(limit, config.standard),
    permissionChanges: permissionChangesCollector(limit),
    configChanges: configChangesCollector(limit),
    deniedActions: deniedActionsCollector(limit),
    approvals: approvalsCollector(limit),
    anomalies: anomaliesCollector(limit),
    administration: administrationCollector(limit),
  };
  for (const collector of Object.values(collectors) as Collector<unknown>[]) {
    for (const tenant of tenants) {
      for (const eventType of collector.eventTypes) {
        if (!present.has(`${tenant}\u0000${eventType}`)) continue;
        const records = streamRecords(store, {
          tenantId: tenant,
          eventType,
          from: config.from,
          to: config.to,
          pageSize: config.pageSize,
        });
        for await (const record of records) collector.add(record);
      }
    }
  }

  const body: Omit<AuditReport, 'controls'> = {
    format: 'claude-steward/audit-report',
    version: 1,
    standard: config.standard,
    title: config.standard === 'HIPAA' ? 'HIPAA audit report' : 'SOC 2 audit report',
    generatedAt: now(),
    period: { from: config.from, to: config.to },
    scope: { tenantId, tenants },
    listLimit: limit,
    totals,
    access: collectors.access.finish(),
    permissionChanges: collectors.permissionChanges.finish(),
    configChanges: collectors.configChanges.finish(),
    deniedActions: collectors.deniedActions.finish(),
    approvals: collectors.approvals.finish(),
    anomalies: collectors.anomalies.finish(),
    administration: collectors.administration.finish(),
    integrity: await integritySection(tenants, config.verify),
    retention: await retentionSection(store, tenantId, config.retention, now()),
  };
  return { ...body, controls: mapControls(config.standard, body) };
}

function summarise(counts: RecordCounts): TotalsSection {
  const byEventType: Record<string, number> = {};
  let records = 0;
  for (const row of counts.byEventType) {
    records += row.count;
    byEventType[row.eventType] = (byEventType[row.eventType] ?? 0) + row.count;
  }
  return {
    records,
    byEventType: sortedCounts(byEventType).map(([eventType, count]) => ({ eventType, count })),
    byAgent: counts.byAgent
      .map((row) => ({ tenantId: row.tenantId, agentId: row.agentId, records: row.count }))
      .sort(
        (a, b) =>
          b.records - a.records || a.tenantId.localeCompare(b.tenantId) || a.agentId.localeCompare(b.agentId),
      ),
  };
}

const MAX_PROBLEMS = 20;

async function integritySection(
  tenants: string[],
  verify: ((tenantId: string) => Promise<VerifyReportLike>) | undefined,
): Promise<IntegritySection> {
  if (!verify) return { status: 'not-run', tenants: [] };
  const results: IntegritySection['tenants'] = [];
  for (const tenantId of tenants) {
    const result = await verify(tenantId);
    const tenant = result.tenants?.find((entry) => entry.tenantId === tenantId) ?? result.tenants?.[0];
    const problems = [...(result.problems ?? []), ...(tenant?.problems ?? [])];
    results.push({
      tenantId,
      ok: result.ok && problems.length === 0,
      records: tenant?.records ?? null,
      checkpointsVerified: tenant?.checkpointsVerified ?? null,
      problems: problems.slice(0, MAX_PROBLEMS).map((problem) => ({
        kind: problem.kind,
        ...(problem.seq === undefined ? {} : { seq: problem.seq }),
        detail: problem.detail,
      })),
    });
  }
  return { status: results.every((tenant) => tenant.ok) ? 'verified' : 'problems', tenants: results };
}

async function retentionSection(
  store: StewardStore,
  tenantId: string | null,
  retention: RetentionStatusLike | undefined,
  now: number,
): Promise<RetentionSection> {
  if (!retention) {
    return {
      status: 'not-provided',
      policyDuration: null,
      policyMs: null,
      oldestLiveRecordAt: null,
      withinPolicy: null,
      archivedSegments: null,
      legalHold: null,
      legalHoldReason: null,
    };
  }
  const policyMs = parseDuration(retention.policyDuration) ?? null;
  const oldest =
    retention.oldestLiveRecordAt === undefined
      ? await oldestLiveRecordAt(store, tenantId)
      : retention.oldestLiveRecordAt;
  const legalHold = retention.legalHold ?? false;
  return {
    status: 'reported',
    policyDuration: retention.policyDuration,
    policyMs,
    oldestLiveRecordAt: oldest,
    // A legal hold keeps records past the policy on purpose.
    withinPolicy: oldest === null || policyMs === null || legalHold ? true : now - oldest <= policyMs,
    archivedSegments: retention.archivedSegments ?? null,
    legalHold,
    legalHoldReason: retention.legalHoldReason ?? null,
  };
}
