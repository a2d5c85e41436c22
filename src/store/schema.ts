/** The tables of the store, as Kysely sees them. One schema for both engines: times are epoch ms, booleans 0/1, JSON as text. */
import type { Generated } from 'kysely';

export interface InteractionsTable {
  id: string;
  tenant_id: string;
  agent_id: string;
  conversation_id: string;
  channel: string;
  /** The tier that answered: cache, pattern, intelligent, or fallback (a configured reply). */
  tier: string;
  /** success | error | denied (the run finished but a tool was denied) */
  outcome: string;
  error_code: string | null;
  error_message: string | null;
  request_text: string;
  reply_text: string;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  latency_ms: number;
  queue_wait_ms: number;
  /** JSON array of ToolCallRecord. */
  tool_calls: string;
  simulated_model: number;
  sdk_session_id: string | null;
  created_at: number;
  /** positive | negative, set by agent.feedback */
  feedback: string | null;
  feedback_note: string | null;
  feedback_at: number | null;
  /** Keyed hash of the customer the interaction answered (agent/customers.ts); null without one. */
  customer_hash: string | null;
}

export interface ConversationsTable {
  tenant_id: string;
  agent_id: string;
  conversation_id: string;
  channel: string;
  sdk_session_id: string | null;
  turns: number;
  created_at: number;
  updated_at: number;
  /** Keyed hash of the customer the conversation belongs to; null for one started without a customer. */
  customer_hash: string | null;
}

/** Random secrets a store keeps for itself (the key-derivation root when no secret is configured). */
export interface StoreSecretsTable {
  name: string;
  /** Hex. */
  secret: string;
  created_at: number;
}

export interface SessionEntriesTable {
  id: Generated<number>;
  tenant_id: string;
  agent_id: string;
  project_key: string;
  session_id: string;
  /** '' for the main transcript, else the subagent's subpath. */
  subpath: string;
  /** The entry's uuid (idempotency key) when it has one. */
  uuid: string | null;
  /** The entry, JSON. */
  entry: string;
  created_at: number;
}

export interface Database {
  interactions: InteractionsTable;
  conversations: ConversationsTable;
  session_entries: SessionEntriesTable;
  store_secrets: StoreSecretsTable;
}
