/** The shape of a compliance report: plain JSON-safe data that the renderers turn into JSON, Markdown or HTML. */

export type ComplianceStandard = 'SOC2' | 'HIPAA';

/** One problem a chain verification found (the shape of the audit log's `AuditProblem`). */
export interface VerifyProblemLike {
  kind: string;
  seq?: number;
  detail: string;
}

/**
 * What the injected `verify` callback answers for one tenant: `verifyChain`'s result as it is, or
 * just `{ ok, problems }`.
 */
export interface VerifyReportLike {
  ok: boolean;
  tenants?: readonly {
    tenantId: string;
    records?: number;
    checkpointsVerified?: number;
    problems: readonly VerifyProblemLike[];
  }[];
  problems?: readonly VerifyProblemLike[];
}

/** The retention state the caller knows (policy from the audit config, archive and legal-hold state). */
export interface RetentionStatusLike {
  /** The configured retention, e.g. `1y`. */
  policyDuration: string;
  /** Epoch ms of the oldest record still in the live table; default: read from the store. */
  oldestLiveRecordAt?: number | null;
  /** Sealed segments in the archive. */
  archivedSegments?: number;
  /** Purging is suspended while a legal hold is on. */
  legalHold?: boolean;
  legalHoldReason?: string;
}

/** Where a listed entry comes from: enough to find the record again (and to cite it). */
export interface RecordReference {
  tenantId: string;
  agentId: string;
  seq: number;
  recordId: string;
  at: number;
}

export interface TotalsSection {
  records: number;
  /** Most frequent first. */
  byEventType: { eventType: string; count: number }[];
  /** Most records first. */
  byAgent: { tenantId: string; agentId: string; records: number }[];
}

export interface AccessEntry extends RecordReference {
  kind: 'decrypted-read' | 'operator-action';
  actor: string;
  /** `decrypted` for a decrypting read; the operator's action otherwise. */
  action: string;
  /** Records whose protected fields were disclosed by this read. */
  recordCount: number;
  /** Their seqs, at most 50. */
  recordSeqs: number[];
}

export interface AccessSection {
  /** `PHI access accounting` for HIPAA, `PII access accounting` otherwise. */
  label: string;
  decryptedReads: number;
  recordsDisclosed: number;
  operatorActions: number;
  /** Most accesses first. */
  byActor: { actor: string; decryptedReads: number; recordsDisclosed: number; operatorActions: number }[];
  entries: AccessEntry[];
  truncated: boolean;
}

export interface TrustChangeEntry extends RecordReference {
  from: number | null;
  to: number | null;
  kind: string;
  actor: string | null;
  reason: string | null;
}

export interface PermissionChangesSection {
  total: number;
  raised: number;
  lowered: number;
  /** Changes made by a person (kind set, freeze, unfreeze or reset with an actor). */
  byOperator: number;
  byKind: Record<string, number>;
  changes: TrustChangeEntry[];
  truncated: boolean;
}

export interface ConfigChangeEntry extends RecordReference {
  /** `config-changed` (an agent started with a new config), `agent-created` or `agent-config-changed` (the registry). */
  change: string;
  actor: string | null;
  changedKeys: string[];
}

export interface ConfigChangesSection {
  total: number;
  entries: ConfigChangeEntry[];
  truncated: boolean;
}

export interface DeniedEntry extends RecordReference {
  toolName: string;
  level: number | null;
  requiredLevel: number | null;
  rule: string | null;
  matchedPattern: string | null;
}

export interface DeniedByTool {
  toolName: string;
  count: number;
  /** Denials where the tool needed a higher trust level than the agent had. */
  aboveLevel: number;
  rules: Record<string, number>;
  firstAt: number;
  lastAt: number;
}

export interface DeniedActionsSection {
  total: number;
  aboveLevel: number;
  /** Most denied first. */
  byTool: DeniedByTool[];
  entries: DeniedEntry[];
  truncated: boolean;
}

export interface ApprovalEntry {
  tenantId: string;
  agentId: string;
  approvalId: string;
  toolName: string | null;
  requestedAt: number | null;
  level: number | null;
  requiredLevel: number | null;
  decidedAt: number | null;
  status: string | null;
  actor: string | null;
}

export interface ApprovalsSection {
  requested: number;
  decided: number;
  byStatus: Record<string, number>;
  /** Requested in the period and not decided in it; null when the list was truncated (unknown). */
  undecided: number | null;
  entries: ApprovalEntry[];
  truncated: boolean;
}

export interface AnomalyEntry extends RecordReference {
  type: string;
  reason: string;
  severity: string;
  summary: string;
}

export interface AnomaliesSection {
  total: number;
  /** Alerts of severity high. */
  highSeverity: number;
  byType: Record<string, number>;
  bySeverity: Record<string, number>;
  entries: AnomalyEntry[];
  truncated: boolean;
}

export interface AdministrationEntry extends RecordReference {
  eventType: string;
  actor: string | null;
  /** The payload's scalar fields, compact. */
  detail: string;
}

/** Audit's own housekeeping: purges, archive runs, key rotations. */
export interface AdministrationSection {
  purges: number;
  archives: number;
  keyRotations: number;
  entries: AdministrationEntry[];
  truncated: boolean;
}

export interface IntegrityTenant {
  tenantId: string;
  ok: boolean;
  records: number | null;
  checkpointsVerified: number | null;
  /** At most 20. */
  problems: VerifyProblemLike[];
}

export interface IntegritySection {
  /** `not-run` when no `verify` callback was given. */
  status: 'verified' | 'problems' | 'not-run';
  tenants: IntegrityTenant[];
}

export interface RetentionSection {
  status: 'reported' | 'not-provided';
  policyDuration: string | null;
  policyMs: number | null;
  oldestLiveRecordAt: number | null;
  /** False when the oldest live record is older than the policy and no legal hold explains it. */
  withinPolicy: boolean | null;
  archivedSegments: number | null;
  legalHold: boolean | null;
  legalHoldReason: string | null;
}

export type ControlStatus = 'evidence' | 'no-activity' | 'attention' | 'not-assessed';

/** One control of the standard and what this report holds as evidence for it. */
export interface ControlEvidence {
  id: string;
  title: string;
  status: ControlStatus;
  /** Sentences stating the evidence, with its numbers. */
  evidence: string[];
  /** Report sections holding the evidence (keys of AuditReport). */
  sections: string[];
}

export interface AuditReport {
  format: 'claude-steward/audit-report';
  version: 1;
  standard: ComplianceStandard;
  title: string;
  /** Epoch ms. */
  generatedAt: number;
  /** `from` inclusive, `to` exclusive, epoch ms. */
  period: { from: number; to: number };
  /** `tenantId` null: every tenant with records in the period. */
  scope: { tenantId: string | null; tenants: string[] };
  /** Lists stop at this many entries (`truncated` says so); counts always cover every record. */
  listLimit: number;
  totals: TotalsSection;
  access: AccessSection;
  permissionChanges: PermissionChangesSection;
  configChanges: ConfigChangesSection;
  deniedActions: DeniedActionsSection;
  approvals: ApprovalsSection;
  anomalies: AnomaliesSection;
  administration: AdministrationSection;
  integrity: IntegritySection;
  retention: RetentionSection;
  controls: ControlEvidence[];
}
