/** The budget tables, as Kysely sees them (`store.db.withTables<BudgetTables>()`). Money in micro-dollars. */

export interface BudgetDaysTable {
  tenant_id: string;
  agent_id: string;
  /** YYYY-MM-DD in the budget's time zone. */
  day: string;
  /** The daily budget when last reserved against; null when none is configured. */
  daily_micro_usd: number | null;
  spent_micro_usd: number;
  reserved_micro_usd: number;
  /** The highest alert threshold (parts per million of the daily budget) already announced today. */
  threshold_alerted_ppm: number | null;
  /** 1 once today's first refusal was announced. */
  exhausted_alerted: number;
  updated_at: number;
}

/** reserved → settled | released | expired (a stale reservation; a late settle still counts its spend). */
export type ReservationStatus = 'reserved' | 'settled' | 'released' | 'expired';

export interface BudgetReservationsTable {
  id: string;
  tenant_id: string;
  agent_id: string;
  day: string;
  interaction_id: string;
  amount_micro_usd: number;
  actual_micro_usd: number | null;
  status: ReservationStatus;
  created_at: number;
  settled_at: number | null;
  /** The BudgetService instance holding it (its lease in `budget_holders`); null before leases existed. */
  holder_id: string | null;
  conversation_id: string | null;
  /** The part of `amount_micro_usd` that is the run's known input, priced at its dearest rate. */
  input_micro_usd: number | null;
  /** What the run measured (all its calls' prompt tokens, and its output tokens); null when not measured. */
  prompt_tokens: number | null;
  output_tokens: number | null;
}

/** A BudgetService instance's lease: renewed while it holds reservations; expired means it died. */
export interface BudgetHoldersTable {
  id: string;
  expires_at: number;
  updated_at: number;
}

// A type alias, not an interface: Kysely's withTables<T>() needs an index-signature-compatible type.
export type BudgetTables = {
  budget_days: BudgetDaysTable;
  budget_reservations: BudgetReservationsTable;
  budget_holders: BudgetHoldersTable;
};
