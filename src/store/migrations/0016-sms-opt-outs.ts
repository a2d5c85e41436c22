/**
 * SMS (issue 14, Channels): who texted STOP to which of a tenant's numbers (durable, so an opted-out sender
 * never gets a message again, from any instance), and one row per outbound text keyed by the caller's
 * idempotency key, so a retried send goes out at most once.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sms_opt_outs')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    /** The tenant's number the sender wrote to (E.164), the `To` of the STOP message. */
    .addColumn('tenant_number', 'varchar(32)', (column) => column.notNull())
    /** The sender's number (E.164), the `From` of the STOP message. */
    .addColumn('sender', 'varchar(32)', (column) => column.notNull())
    /** The word that opted out (STOP, UNSUBSCRIBE …), as written. */
    .addColumn('keyword', 'varchar(32)', (column) => column.notNull())
    .addColumn('opted_out_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('sms_opt_outs_pk', ['tenant_id', 'tenant_number', 'sender'])
    .execute();
  await db.schema
    .createTable('sms_outbound')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    /** The caller's key; scoped to the tenant, so one tenant's keys never collide with (or block) another's. */
    .addColumn('idempotency_key', 'varchar(256)', (column) => column.notNull())
    .addColumn('tenant_number', 'varchar(32)', (column) => column.notNull())
    .addColumn('recipient', 'varchar(32)', (column) => column.notNull())
    /** SHA-256 of the body and media sent, so a retry with other content under the same key is refused. */
    .addColumn('content_hash', 'varchar(64)', (column) => column.notNull())
    /** `sending` (in flight), `uncertain` (the provider may have it), `failed` (refused), `sent`. */
    .addColumn('status', 'varchar(16)', (column) => column.notNull())
    .addColumn('message_sid', 'varchar(64)')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('sms_outbound_pk', ['tenant_id', 'idempotency_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sms_outbound').execute();
  await db.schema.dropTable('sms_opt_outs').execute();
}
