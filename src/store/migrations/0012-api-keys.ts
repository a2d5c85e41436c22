/**
 * API keys (issue 12, Fleet): one row per key, holding only a SHA-256 of its secret, and a one-row epoch
 * that every key change bumps in the same transaction, so each instance sees a change on its next request.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    /** The public id, the part of the token between `stw_` and the secret. */
    .addColumn('id', 'varchar(32)', (column) => column.primaryKey())
    .addColumn('name', 'varchar(128)', (column) => column.notNull())
    .addColumn('role', 'varchar(16)', (column) => column.notNull())
    /** JSON: `"*"` or an array of tenant ids. */
    .addColumn('tenants', 'text', (column) => column.notNull())
    /** Hex SHA-256 of the token's secret, bound to the id (fleet/keys/token.ts). */
    .addColumn('secret_hash', 'varchar(64)', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('created_by', 'varchar(256)', (column) => column.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoked_by', 'varchar(256)')
    .execute();
  await db.schema
    .createTable('api_key_epoch')
    .addColumn('id', 'integer', (column) => column.primaryKey())
    .addColumn('epoch', 'bigint', (column) => column.notNull())
    .execute();
  await sql`insert into api_key_epoch (id, epoch) values (1, 0)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_key_epoch').execute();
  await db.schema.dropTable('api_keys').execute();
}
