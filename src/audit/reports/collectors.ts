/**
 * One collector per report section: fed the records of its event types (one tenant and type at a
 * time, each in time order), it keeps counts of everything and lists the `listLimit` earliest entries.
 */
import {
  BoundedTally,
  EarliestEntries,
  increment,
  payloadNumber,
  payloadText,
  scalarSummary,
} from './bounded.js';
import type { ReportRecord } from './read-records.js';
import type {
  AccessEntry,
  AccessSection,
  AdministrationEntry,
  AdministrationSection,
  AnomaliesSection,
  AnomalyEntry,
  ApprovalEntry,
  ApprovalsSection,
  ConfigChangeEntry,
  ConfigChangesSection,
  DeniedActionsSection,
  DeniedByTool,
  DeniedEntry,
  PermissionChangesSection,
  RecordReference,
  TrustChangeEntry,
} from './types.js';

export interface Collector<Section> {
  /** The event types this collector reads, in the order it wants them. */
  readonly eventTypes: readonly string[];
  add(record: ReportRecord): void;
  finish(): Section;
}

function reference(record: ReportRecord): RecordReference {
  return {
    tenantId: record.tenantId,
    agentId: record.agentId,
    seq: record.seq,
    recordId: record.id,
    at: record.at,
  };
}

const MAX_LISTED_SEQS = 50;

/** Decrypting reads (`audit-record-decrypted`) and operator actions: who accessed what. */
export function accessCollector(limit: number, standard: 'SOC2' | 'HIPAA'): Collector<AccessSection> {
  const actors = new BoundedTally(() => ({ decryptedReads: 0, recordsDisclosed: 0, operatorActions: 0 }));
  const entries = new EarliestEntries<AccessEntry>(limit);
  let decryptedReads = 0;
  let recordsDisclosed = 0;
  let operatorActions = 0;
  return {
    eventTypes: ['audit-record-decrypted', 'operator-action'],
    add(record) {
      const actor = record.actor ?? payloadText(record.payload.actor) ?? 'unknown';
      const tally = actors.get(actor);
      if (record.eventType === 'audit-record-decrypted') {
        const ids = Array.isArray(record.payload.recordIds) ? record.payload.recordIds : [];
        const seqs = Array.isArray(record.payload.seqs) ? record.payload.seqs : [];
        const count = Math.max(ids.length, seqs.length);
        decryptedReads++;
        recordsDisclosed += count;
        tally.decryptedReads++;
        tally.recordsDisclosed += count;
        if (entries.accepts(record)) {
          entries.offer({
            ...reference(record),
            kind: 'decrypted-read',
            actor,
            action: 'decrypted',
            recordCount: count,
            recordSeqs: seqs
              .filter((seq): seq is number => typeof seq === 'number')
              .slice(0, MAX_LISTED_SEQS),
          });
        }
        return;
      }
      operatorActions++;
      tally.operatorActions++;
      if (entries.accepts(record)) {
        entries.offer({
          ...reference(record),
          kind: 'operator-action',
          actor,
          action: payloadText(record.payload.action ?? record.payload.kind) ?? 'operator-action',
          recordCount: 0,
          recordSeqs: [],
        });
      }
    },
    finish() {
      const byActor = actors
        .values()
        .map(([actor, counts]) => ({ actor, ...counts }))
        .sort(
          (a, b) =>
            b.decryptedReads + b.operatorActions - (a.decryptedReads + a.operatorActions) ||
            a.actor.localeCompare(b.actor),
        );
      return {
        label: standard === 'HIPAA' ? 'PHI access accounting' : 'PII access accounting',
        decryptedReads,
        recordsDisclosed,
        operatorActions,
        byActor,
        entries: entries.sorted(),
        truncated: entries.truncated,
      };
    },
  };
}

const OPERATOR_KINDS = new Set(['set', 'freeze', 'unfreeze', 'reset']);

/** Every `trust-level-changed`: from, to, kind, actor, reason. */
export function permissionChangesCollector(limit: number): Collector<PermissionChangesSection> {
  const changes = new EarliestEntries<TrustChangeEntry>(limit);
  const byKind: Record<string, number> = {};
  let total = 0;
  let raised = 0;
  let lowered = 0;
  let byOperator = 0;
  return {
    eventTypes: ['trust-level-changed'],
    add(record) {
      const from = payloadNumber(record.payload.from);
      const to = payloadNumber(record.payload.to);
      const kind = payloadText(record.payload.kind) ?? 'unknown';
      const actor = record.actor ?? payloadText(record.payload.actor);
      total++;
      increment(byKind, kind);
      if (from !== null && to !== null && to > from) raised++;
      if (from !== null && to !== null && to < from) lowered++;
      if (actor !== null && OPERATOR_KINDS.has(kind)) byOperator++;
      if (changes.accepts(record)) {
        changes.offer({
          ...reference(record),
          from,
          to,
          kind,
          actor,
          reason: payloadText(record.payload.reason),
        });
      }
    },
    finish: () => ({
      total,
      raised,
      lowered,
      byOperator,
      byKind,
      changes: changes.sorted(),
      truncated: changes.truncated,
    }),
  };
}

/**
 * Who changed which top-level sections of an agent's config: `config-changed` (an agent opened with a
 * config unlike the last one it recorded) and the registry's `agent-created` / `agent-config-changed`.
 */
export function configChangesCollector(limit: number): Collector<ConfigChangesSection> {
  const entries = new EarliestEntries<ConfigChangeEntry>(limit);
  let total = 0;
  return {
    eventTypes: ['config-changed', 'agent-created', 'agent-config-changed'],
    add(record) {
      total++;
      if (!entries.accepts(record)) return;
      const keys = Array.isArray(record.payload.changedKeys) ? record.payload.changedKeys : [];
      entries.offer({
        ...reference(record),
        change: record.eventType,
        actor: record.actor,
        changedKeys: keys.map((key) => payloadText(key) ?? '').filter(Boolean),
      });
    },
    finish: () => ({ total, entries: entries.sorted(), truncated: entries.truncated }),
  };
}

/** `tool-call-denied`: every denial counted per tool and rule, the first ones listed. */
export function deniedActionsCollector(limit: number): Collector<DeniedActionsSection> {
  const tools = new BoundedTally<DeniedByTool>(() => ({
    toolName: '',
    count: 0,
    aboveLevel: 0,
    rules: {},
    firstAt: Number.POSITIVE_INFINITY,
    lastAt: Number.NEGATIVE_INFINITY,
  }));
  const entries = new EarliestEntries<DeniedEntry>(limit);
  let total = 0;
  let aboveLevel = 0;
  return {
    eventTypes: ['tool-call-denied'],
    add(record) {
      const toolName = payloadText(record.payload.toolName) ?? 'unknown';
      const level = payloadNumber(record.payload.level);
      const requiredLevel = payloadNumber(record.payload.requiredLevel);
      const rule = payloadText(record.payload.rule);
      const above = level !== null && requiredLevel !== null && requiredLevel > level;
      total++;
      if (above) aboveLevel++;
      const tool = tools.get(toolName);
      tool.count++;
      if (above) tool.aboveLevel++;
      increment(tool.rules, rule ?? 'unknown');
      tool.firstAt = Math.min(tool.firstAt, record.at);
      tool.lastAt = Math.max(tool.lastAt, record.at);
      if (entries.accepts(record)) {
        entries.offer({
          ...reference(record),
          toolName,
          level,
          requiredLevel,
          rule,
          matchedPattern: payloadText(record.payload.matchedPattern),
        });
      }
    },
    finish: () => ({
      total,
      aboveLevel,
      byTool: tools
        .values()
        .map(([toolName, tool]) => ({ ...tool, toolName }))
        .sort((a, b) => b.count - a.count || a.toolName.localeCompare(b.toolName)),
      entries: entries.sorted(),
      truncated: entries.truncated,
    }),
  };
}

/** Approval requests and decisions, paired by approval id. Requests are read before decisions. */
export function approvalsCollector(limit: number): Collector<ApprovalsSection> {
  const entries = new Map<string, ApprovalEntry>();
  const byStatus: Record<string, number> = {};
  let requested = 0;
  let decided = 0;
  let decidedRequests = 0;
  let truncated = false;
  const entryFor = (record: ReportRecord, approvalId: string): ApprovalEntry | undefined => {
    const key = `${record.tenantId}\u0000${approvalId}`;
    const existing = entries.get(key);
    if (existing) return existing;
    if (entries.size >= limit) {
      truncated = true;
      return undefined;
    }
    const entry: ApprovalEntry = {
      tenantId: record.tenantId,
      agentId: record.agentId,
      approvalId,
      toolName: payloadText(record.payload.toolName),
      requestedAt: null,
      level: null,
      requiredLevel: null,
      decidedAt: null,
      status: null,
      actor: null,
    };
    entries.set(key, entry);
    return entry;
  };
  return {
    eventTypes: ['trust-approval-requested', 'trust-approval-decided'],
    add(record) {
      const approvalId = payloadText(record.payload.approvalId) ?? record.id;
      if (record.eventType === 'trust-approval-requested') {
        requested++;
        const entry = entryFor(record, approvalId);
        if (!entry) return;
        entry.requestedAt = record.at;
        entry.level = payloadNumber(record.payload.level);
        entry.requiredLevel = payloadNumber(record.payload.requiredLevel);
        return;
      }
      decided++;
      const status = payloadText(record.payload.status) ?? 'unknown';
      increment(byStatus, status);
      const entry = entryFor(record, approvalId);
      if (!entry) return;
      if (entry.requestedAt !== null && entry.decidedAt === null) decidedRequests++;
      entry.decidedAt = record.at;
      entry.status = status;
      entry.actor = record.actor ?? payloadText(record.payload.actor);
    },
    finish: () => ({
      requested,
      decided,
      byStatus,
      undecided: truncated ? null : requested - decidedRequests,
      entries: [...entries.values()].sort(
        (a, b) => (a.requestedAt ?? a.decidedAt ?? 0) - (b.requestedAt ?? b.decidedAt ?? 0),
      ),
      truncated,
    }),
  };
}

/** `audit-alert-raised`: the alerts the alert engine raised, by type and severity. */
export function anomaliesCollector(limit: number): Collector<AnomaliesSection> {
  const entries = new EarliestEntries<AnomalyEntry>(limit);
  const byType: Record<string, number> = {};
  const bySeverity: Record<string, number> = {};
  let total = 0;
  let highSeverity = 0;
  return {
    eventTypes: ['audit-alert-raised'],
    add(record) {
      const type = payloadText(record.payload.type) ?? 'unknown';
      const severity = payloadText(record.payload.severity) ?? 'unknown';
      total++;
      if (severity === 'high') highSeverity++;
      increment(byType, type);
      increment(bySeverity, severity);
      if (entries.accepts(record)) {
        entries.offer({
          ...reference(record),
          type,
          reason: payloadText(record.payload.reason) ?? '',
          severity,
          summary: payloadText(record.payload.summary) ?? '',
        });
      }
    },
    finish: () => ({
      total,
      highSeverity,
      byType,
      bySeverity,
      entries: entries.sorted(),
      truncated: entries.truncated,
    }),
  };
}

/** Audit's own housekeeping records. */
export function administrationCollector(limit: number): Collector<AdministrationSection> {
  const entries = new EarliestEntries<AdministrationEntry>(limit);
  const counts: Record<string, number> = {};
  return {
    eventTypes: ['audit-purged', 'audit-archived', 'audit-key-rotated'],
    add(record) {
      increment(counts, record.eventType);
      if (entries.accepts(record)) {
        entries.offer({
          ...reference(record),
          eventType: record.eventType,
          actor: record.actor,
          detail: scalarSummary(record.payload),
        });
      }
    },
    finish: () => ({
      purges: counts['audit-purged'] ?? 0,
      archives: counts['audit-archived'] ?? 0,
      keyRotations: counts['audit-key-rotated'] ?? 0,
      entries: entries.sorted(),
      truncated: entries.truncated,
    }),
  };
}
