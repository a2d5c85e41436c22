/** The shape every detector shares: it learns from each record and may propose alerts. */
import type { AuditRecord } from '../../log/index.js';
import type { AgentState } from '../agent-state.js';
import type { ResolvedAlertEngineOptions } from '../options.js';
import type { Alert, AlertType } from '../types.js';

/** An alert before the engine gives it an id, time and scope. */
export type AlertCandidate = Pick<Alert, 'reason' | 'severity' | 'summary' | 'evidence' | 'dedupKey'>;

export interface Detector {
  readonly type: AlertType;
  /** Updates `state` from the record; returns alerts unless `learning` (a warm-up replay). */
  observe(record: AuditRecord, state: AgentState, learning: boolean): AlertCandidate[];
}

export type DetectorFactory = (options: ResolvedAlertEngineOptions) => Detector;

/** `type/reason/tenant/agent/…`, each part URI-encoded so ids holding `/` cannot collide. */
export function dedupKey(type: AlertType, reason: string, ...parts: (string | number)[]): string {
  return [type, reason, ...parts].map((part) => encodeURIComponent(String(part))).join('/');
}

/** Rounds a measurement for evidence and summaries. */
export function rounded(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
