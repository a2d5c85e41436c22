/** The cache tier's entries: exact keys and embeddings per tenant, agent and answer shape, with TTLs. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cache_entries')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('shape_hash', 'varchar(64)', (column) => column.notNull())
    .addColumn('exact_key', 'varchar(64)', (column) => column.notNull())
    .addColumn('request_text', 'text', (column) => column.notNull())
    .addColumn('response_text', 'text', (column) => column.notNull())
    /** base64 of the Float32Array, or null when no semantic rule is configured. */
    .addColumn('embedding', 'text')
    .addColumn('embedder_id', 'varchar(64)')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('expires_at', 'bigint', (column) => column.notNull())
    .addColumn('hits', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('cache_entries_exact')
    .unique()
    .on('cache_entries')
    .columns(['tenant_id', 'agent_id', 'exact_key'])
    .execute();
  await db.schema
    .createIndex('cache_entries_scope')
    .on('cache_entries')
    .columns(['tenant_id', 'agent_id', 'shape_hash', 'expires_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cache_entries').execute();
}
