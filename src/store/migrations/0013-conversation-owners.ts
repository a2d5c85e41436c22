/**
 * Conversations belong to their customer (issue 12): a keyed hash of the customer who started a
 * conversation, and of the customer each interaction answered (feedback checks it), never the customer's
 * id itself (a sender id may be a phone number). `store_secrets` keeps a random derivation key for
 * stores that have no configured secret (PostgreSQL without STEWARD_SECRET_KEY, `:memory:`).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('customer_hash', 'varchar(64)').execute();
  await db.schema.alterTable('interactions').addColumn('customer_hash', 'varchar(64)').execute();
  await db.schema
    .createTable('store_secrets')
    .addColumn('name', 'varchar(64)', (column) => column.primaryKey())
    /** Hex, 32 random bytes. */
    .addColumn('secret', 'varchar(128)', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('store_secrets').execute();
  await db.schema.alterTable('interactions').dropColumn('customer_hash').execute();
  await db.schema.alterTable('conversations').dropColumn('customer_hash').execute();
}
