/**
 * The tamper-evident audit log: hash-chained records per tenant, each tenant's chain head, signed
 * checkpoints of the head, and the public keys that verify old checkpoints after a key change.
 */
import type { Kysely } from 'kysely';

// Column lengths match the input limits in src/audit/log/record.ts, which rejects longer values before
// they reach a batch (PostgreSQL enforces varchar lengths; one bad row would fail everyone's commit).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_records')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    /** 1, 2, 3 … per tenant, with no gaps. */
    .addColumn('seq', 'bigint', (column) => column.notNull())
    .addColumn('id', 'varchar(64)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('event_type', 'varchar(128)', (column) => column.notNull())
    /** Epoch ms. */
    .addColumn('at', 'bigint', (column) => column.notNull())
    .addColumn('conversation_id', 'varchar(256)')
    .addColumn('interaction_id', 'varchar(128)')
    .addColumn('channel', 'varchar(64)')
    .addColumn('actor', 'varchar(256)')
    .addColumn('level', 'varchar(32)', (column) => column.notNull())
    /** Canonical JSON, masked and encrypted by the caller; the hash covers these exact characters. */
    .addColumn('payload', 'text', (column) => column.notNull())
    /** The id of the key that encrypted fields of the payload, if any. */
    .addColumn('key_id', 'varchar(128)')
    .addColumn('prev_hash', 'varchar(64)', (column) => column.notNull())
    .addColumn('hash', 'varchar(64)', (column) => column.notNull())
    .addPrimaryKeyConstraint('audit_records_pk', ['tenant_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('audit_records_time')
    .on('audit_records')
    .columns(['tenant_id', 'at'])
    .execute();
  await db.schema
    .createIndex('audit_records_agent_time')
    .on('audit_records')
    .columns(['tenant_id', 'agent_id', 'at'])
    .execute();
  await db.schema
    .createIndex('audit_records_event_time')
    .on('audit_records')
    .columns(['tenant_id', 'event_type', 'at'])
    .execute();
  await db.schema
    .createIndex('audit_records_conversation')
    .on('audit_records')
    .columns(['tenant_id', 'conversation_id'])
    .execute();

  await db.schema
    .createTable('audit_chain_heads')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.primaryKey())
    /** The seq of the tenant's last record; 0 before the first. */
    .addColumn('seq', 'bigint', (column) => column.notNull())
    .addColumn('hash', 'varchar(64)', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    /** The head seq this checkpoint covers. */
    .addColumn('seq', 'bigint', (column) => column.notNull())
    .addColumn('head_hash', 'varchar(64)', (column) => column.notNull())
    .addColumn('record_count', 'bigint', (column) => column.notNull())
    .addColumn('at', 'bigint', (column) => column.notNull())
    .addColumn('signer_key_id', 'varchar(128)', (column) => column.notNull())
    /** Ed25519 signature, base64. */
    .addColumn('signature', 'text', (column) => column.notNull())
    /** interval | archive | manual | close */
    .addColumn('reason', 'varchar(16)', (column) => column.notNull())
    .addPrimaryKeyConstraint('audit_checkpoints_pk', ['tenant_id', 'seq'])
    .execute();

  await db.schema
    .createTable('audit_signing_keys')
    .addColumn('key_id', 'varchar(128)', (column) => column.primaryKey())
    /** SPKI PEM. */
    .addColumn('public_key', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_signing_keys').execute();
  await db.schema.dropTable('audit_checkpoints').execute();
  await db.schema.dropTable('audit_chain_heads').execute();
  await db.schema.dropTable('audit_records').execute();
}
