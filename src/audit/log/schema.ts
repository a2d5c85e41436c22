/** The audit tables, as Kysely sees them (`store.db.withTables<AuditTables>()`), and the row mapping. */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import type { SerializedAuditRecord } from './record.js';

export interface AuditRecordsTable {
  tenant_id: string;
  seq: number;
  id: string;
  agent_id: string;
  event_type: string;
  at: number;
  conversation_id: string | null;
  interaction_id: string | null;
  channel: string | null;
  actor: string | null;
  level: string;
  payload: string;
  key_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadsTable {
  tenant_id: string;
  seq: number;
  hash: string;
  updated_at: number;
  /** Records up to this seq are in `audit_conversation_seqs`; later ones are found in `audit_records`. */
  conversation_indexed_seq: number;
}

/** The conversation lookup, filled in bulk by the writer (migration 0009 says why). */
export interface AuditConversationSeqsTable {
  tenant_id: string;
  conversation_id: string;
  seq: number;
}

export interface AuditCheckpointsTable {
  tenant_id: string;
  seq: number;
  head_hash: string;
  record_count: number;
  at: number;
  signer_key_id: string;
  signature: string;
  reason: string;
}

export interface AuditSigningKeysTable {
  key_id: string;
  public_key: string;
  created_at: number;
}

// A type alias, not an interface: Kysely's withTables<T>() needs an index-signature-compatible type.
export type AuditTables = {
  audit_records: AuditRecordsTable;
  audit_chain_heads: AuditChainHeadsTable;
  audit_conversation_seqs: AuditConversationSeqsTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_signing_keys: AuditSigningKeysTable;
};

export type AuditDatabase = Kysely<AuditTables>;

/** The store's connection (or transaction) seen with the audit tables. */
export function auditDatabase(db: Kysely<Database>): AuditDatabase {
  return db.withTables<AuditTables>() as unknown as AuditDatabase;
}

/** The columns of `audit_records` in the order {@link recordValues} pushes them. */
export const recordColumns = [
  'tenant_id',
  'seq',
  'id',
  'agent_id',
  'event_type',
  'at',
  'conversation_id',
  'interaction_id',
  'channel',
  'actor',
  'level',
  'payload',
  'key_id',
  'prev_hash',
  'hash',
] as const satisfies ReadonlyArray<keyof AuditRecordsTable>;

/** Pushes the record's column values onto `parameters`, in {@link recordColumns} order. */
export function recordValues(record: SerializedAuditRecord, parameters: unknown[]): void {
  parameters.push(
    record.tenantId,
    record.seq,
    record.id,
    record.agentId,
    record.eventType,
    record.at,
    record.conversationId,
    record.interactionId,
    record.channel,
    record.actor,
    record.level,
    record.payload,
    record.keyId,
    record.prevHash,
    record.hash,
  );
}

export function toRecordRow(record: SerializedAuditRecord): AuditRecordsTable {
  return {
    tenant_id: record.tenantId,
    seq: record.seq,
    id: record.id,
    agent_id: record.agentId,
    event_type: record.eventType,
    at: record.at,
    conversation_id: record.conversationId,
    interaction_id: record.interactionId,
    channel: record.channel,
    actor: record.actor,
    level: record.level,
    payload: record.payload,
    key_id: record.keyId,
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

export function fromRecordRow(row: AuditRecordsTable): SerializedAuditRecord {
  return {
    tenantId: row.tenant_id,
    seq: row.seq,
    id: row.id,
    agentId: row.agent_id,
    eventType: row.event_type,
    at: row.at,
    conversationId: row.conversation_id,
    interactionId: row.interaction_id,
    channel: row.channel,
    actor: row.actor,
    level: row.level,
    payload: row.payload,
    keyId: row.key_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
