/**
 * The alert engine: fed each audit record as it is appended, it keeps per-agent baselines in memory
 * (bounded), runs the detectors of the enabled alert types, and returns deduplicated alerts. It never
 * writes: the caller appends each alert as an `audit-alert-raised` record and delivers it to sinks.
 */
import { randomUUID } from 'node:crypto';
import { validateConfig } from '../../config/index.js';
import { StewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';
import {
  type AuditRecord,
  auditDatabase,
  expandRecord,
  fromRecordRow,
  LruMap,
  parseAuditRecord,
} from '../log/index.js';
import { type AgentState, newAgentState } from './agent-state.js';
import type { Detector } from './detectors/detector.js';
import { permissionEscalationDetector } from './detectors/permission-escalation.js';
import { unusualActivityDetector } from './detectors/unusual-activity.js';
import {
  type AlertEngineOptions,
  alertEngineOptionsSchema,
  type ResolvedAlertEngineOptions,
} from './options.js';
import type { Alert } from './types.js';

/** Records of audit's own that say nothing about an agent's behaviour (and alerts must not feed alerts). */
const IGNORED_EVENTS = new Set([
  'audit-alert-raised',
  'audit-purged',
  'audit-archived',
  'audit-key-rotated',
  'audit-record-decrypted',
]);

export interface WarmUpOptions {
  /** Replay records from this time on, epoch ms (e.g. `now - 14 days`). */
  since: number;
  /** One tenant; default every tenant with a chain. */
  tenantId?: string;
  /** Records per page; default 2,000. */
  pageSize?: number;
  /** Stop after this many records; default 5,000,000. */
  maxRecords?: number;
}

/**
 * @example
 * const engine = new AlertEngine({ alerts: config.analytics?.alerts ?? [] });
 * await engine.warmUp(store, { since: Date.now() - 14 * 86_400_000 });
 * for (const alert of await engine.observe(record)) {
 *   await audit.append(alertRecordInput(alert, 'standard'));
 *   await deliverAlert(alert, sinks);
 * }
 */
export class AlertEngine {
  readonly options: Omit<ResolvedAlertEngineOptions, 'now' | 'generateId'>;
  private readonly now: () => number;
  private readonly generateId: () => string;
  private readonly detectors: Detector[];
  private readonly agents: LruMap<string, AgentState>;
  /** dedupKey → when it last alerted; insertion order is raise order (re-set on every raise). */
  private readonly raised = new Map<string, number>();

  constructor(options: AlertEngineOptions = {}) {
    const { now, generateId, ...resolved } = validateConfig(
      alertEngineOptionsSchema,
      options,
      'alert engine options',
    );
    this.options = resolved;
    this.now = now ?? Date.now;
    this.generateId = generateId ?? randomUUID;
    const enabled = new Set(resolved.alerts);
    this.detectors = [unusualActivityDetector(resolved), permissionEscalationDetector(resolved)].filter(
      (detector) => enabled.has(detector.type),
    );
    this.agents = new LruMap(resolved.maxAgents);
  }

  /** Agents whose state is held (at most `maxAgents`). */
  get trackedAgents(): number {
    return this.agents.size;
  }

  /**
   * Learns from one appended record and resolves with the alerts it raises (none for disabled
   * types, and none for a dedupKey that alerted within `dedupWindowMs`).
   */
  async observe(record: AuditRecord): Promise<Alert[]> {
    // A row that carries an interaction's events is observed as those events.
    return expandRecord(record).flatMap((event) => this.process(event, false));
  }

  /**
   * Replays recent records from the store to build baselines (known tools, rates, active hours,
   * agents' first-seen times) without raising anything; resolves with the number replayed. Call
   * it before feeding live records: rates and active hours skip records older than those already seen.
   */
  async warmUp(store: StewardStore, options: WarmUpOptions): Promise<{ records: number }> {
    if (!Number.isSafeInteger(options.since) || options.since < 0) {
      throw new StewardError(
        'invalid-request',
        `warmUp since must be epoch milliseconds, received ${options.since}`,
      );
    }
    if (this.detectors.length === 0) return { records: 0 };
    const db = auditDatabase(store.db);
    const pageSize = options.pageSize ?? 2_000;
    const maxRecords = options.maxRecords ?? 5_000_000;
    const tenants =
      options.tenantId === undefined
        ? (await db.selectFrom('audit_chain_heads').select('tenant_id').orderBy('tenant_id').execute()).map(
            (row) => row.tenant_id,
          )
        : [options.tenantId];
    let records = 0;
    for (const tenantId of tenants) {
      let cursor = { at: options.since, seq: 0 };
      while (records < maxRecords) {
        const rows = await db
          .selectFrom('audit_records')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('at', '>=', cursor.at)
          .where((eb) => eb.or([eb('at', '>', cursor.at), eb('seq', '>', cursor.seq)]))
          .orderBy('at')
          .orderBy('seq')
          .limit(Math.min(pageSize, maxRecords - records))
          .execute();
        for (const row of rows) {
          let record: AuditRecord;
          try {
            record = parseAuditRecord(fromRecordRow(row));
          } catch {
            continue; // an unreadable payload (verifyChain reports it) teaches nothing
          }
          // A row that carries an interaction's events teaches each of them.
          for (const event of expandRecord(record)) if (event.at >= options.since) this.process(event, true);
        }
        records += rows.length;
        const last = rows.at(-1);
        if (!last || rows.length < pageSize) break;
        cursor = { at: Number(last.at), seq: Number(last.seq) };
      }
    }
    return { records };
  }

  private process(record: AuditRecord, learning: boolean): Alert[] {
    if (this.detectors.length === 0 || IGNORED_EVENTS.has(record.eventType)) return [];
    const state = this.stateOf(record);
    const alerts: Alert[] = [];
    for (const detector of this.detectors) {
      for (const candidate of detector.observe(record, state, learning)) {
        const at = this.now();
        if (!this.firstInWindow(candidate.dedupKey, at)) continue;
        alerts.push({
          id: this.generateId(),
          type: detector.type,
          reason: candidate.reason,
          severity: candidate.severity,
          tenantId: record.tenantId,
          agentId: record.agentId,
          at,
          summary: candidate.summary,
          evidence: candidate.evidence,
          dedupKey: candidate.dedupKey,
        });
      }
    }
    return alerts;
  }

  private stateOf(record: AuditRecord): AgentState {
    const key = `${record.tenantId}\u0000${record.agentId}`;
    const state =
      this.agents.get(key) ?? this.agents.set(key, newAgentState(record.tenantId, record.agentId, record.at));
    if (record.at < state.firstSeenAt) state.firstSeenAt = record.at;
    return state;
  }

  /** True (and remembered) unless the key alerted within the dedup window. */
  private firstInWindow(key: string, at: number): boolean {
    const last = this.raised.get(key);
    if (last !== undefined && at - last < this.options.dedupWindowMs) return false;
    this.raised.delete(key);
    this.raised.set(key, at);
    if (this.raised.size > this.options.maxDedupKeys) {
      // Oldest first: drop the expired keys, then the oldest live ones while still over the bound.
      for (const [oldKey, raisedAt] of this.raised) {
        const expired = at - raisedAt >= this.options.dedupWindowMs;
        if (!expired && this.raised.size <= this.options.maxDedupKeys) break;
        this.raised.delete(oldKey);
      }
    }
    return true;
  }
}
