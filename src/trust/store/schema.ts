/** The trust tables, as Kysely sees them (`store.db.withTables<TrustTables>()`). */
import type { Generated } from 'kysely';

export interface TrustStatesTable {
  tenant_id: string;
  agent_id: string;
  level: number;
  frozen: number;
  /** Only outcomes with a larger id count toward the current window (the window restarts after a change). */
  window_after_outcome_id: number;
  window_started_at: number;
  last_change_at: number | null;
  gained_on_day: string | null;
  gained_today: number;
  last_outcome_at: number | null;
  last_decay_at: number | null;
  updated_at: number;
}

export interface TrustOutcomesTable {
  id: Generated<number>;
  tenant_id: string;
  agent_id: string;
  interaction_id: string;
  at: number;
  /** success | error */
  kind: string;
  denied: number;
  escalations: number;
  latency_ms: number;
  cost_usd: number;
  /** positive | negative, when feedback was given */
  feedback: string | null;
}

export interface TrustChangesTable {
  id: Generated<number>;
  tenant_id: string;
  agent_id: string;
  at: number;
  from_level: number;
  to_level: number;
  /** rule | decay | set | freeze | unfreeze | reset */
  kind: string;
  reason: string;
  /** JSON: the rule that fired, when one did. */
  rule: string | null;
  /** JSON: the window metrics behind the change. */
  metrics: string | null;
  actor: string | null;
}

export interface TrustToolCountsTable {
  tenant_id: string;
  agent_id: string;
  tool_name: string;
  allowed: number;
  denied: number;
}

export interface TrustApprovalsTable {
  id: string;
  tenant_id: string;
  agent_id: string;
  interaction_id: string;
  tool_name: string;
  /** JSON of the tool input. */
  input: string;
  level: number;
  required_level: number | null;
  /** pending | approved | denied | expired */
  status: string;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  decided_by: string | null;
  note: string | null;
}

// A type alias, not an interface: Kysely's withTables<T>() needs an index-signature-compatible type.
export type TrustTables = {
  trust_states: TrustStatesTable;
  trust_outcomes: TrustOutcomesTable;
  trust_changes: TrustChangesTable;
  trust_tool_counts: TrustToolCountsTable;
  trust_approvals: TrustApprovalsTable;
};
