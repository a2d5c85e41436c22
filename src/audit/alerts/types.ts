/** Alerts raised from the audit stream, and the sink seam they are delivered through. */

/** The alert types of `audit.analytics.alerts`. */
export const alertTypes = ['unusual_activity', 'permission_escalation'] as const;
export type AlertType = (typeof alertTypes)[number];

/** Why an alert was raised: the detector (sub-kind) within its type. */
export type AlertReason =
  /** unusual_activity: an agent's message rate far above its own baseline. */
  | 'rate-anomaly'
  /** unusual_activity: a tool the agent never used before (after its warm-up). */
  | 'new-tool'
  /** unusual_activity: a burst in an hour of the week the agent is (almost) never active in. */
  | 'unusual-hours'
  /** permission_escalation: trust level raised by a rule. */
  | 'trust-raised'
  /** permission_escalation: an operator set, unfroze or reset trust, or overrode a tool's permission. */
  | 'operator-override'
  /** permission_escalation: the trust config (permissions, overrides) changed. */
  | 'permission-config-change'
  /** permission_escalation: repeated attempts at tools above the agent's level. */
  | 'repeated-denials';

export type AlertSeverity = 'low' | 'medium' | 'high';

/** What backs an alert: the records that triggered it and the figures the detector compared. */
export interface AlertEvidence {
  recordIds: string[];
  seqs: number[];
  /** e.g. `{ count: 48, mean: 6.1, threshold: 17.3 }`. */
  measurements: Record<string, number | string | boolean | null>;
}

export interface Alert {
  id: string;
  type: AlertType;
  reason: AlertReason;
  severity: AlertSeverity;
  tenantId: string;
  agentId: string;
  /** When it was raised, epoch ms (the engine's clock). */
  at: number;
  /** One sentence for people. */
  summary: string;
  evidence: AlertEvidence;
  /** Alerts with the same key within the dedup window are raised once. */
  dedupKey: string;
}

/**
 * Where alerts go: one folder per implementation under `sinks/`, each with a `create<Name>AlertSink`.
 * `deliverAlert` calls every sink and never lets one's failure reach the pipeline.
 */
export interface AlertSink {
  /** Names the sink in errors, e.g. `webhook`. */
  readonly name: string;
  deliver(alert: Alert): Promise<void>;
}
