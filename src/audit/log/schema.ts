/** The audit tables, as Kysely sees them (`store.db.withTables<AuditTables>()`), and the row mapping. */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
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
  audit_checkpoints: AuditCheckpointsTable;
  audit_signing_keys: AuditSigningKeysTable;
};

export type AuditDatabase = Kysely<AuditTables>;

/** The store's connection (or transaction) seen with the audit tables. */
export function auditDatabase(db: Kysely<Database>): AuditDatabase {
  return db.withTables<AuditTables>() as unknown as AuditDatabase;
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
