/**
 * The pattern tier: the model answers it has observed (request embedding + a key of the answer) and the
 * patterns detected from them, per tenant, agent and answer shape.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pattern_observations')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('shape_hash', 'varchar(64)', (column) => column.notNull())
    /** SHA-256 of the normalised answer text: answers with one key count as the same answer. */
    .addColumn('answer_key', 'varchar(64)', (column) => column.notNull())
    .addColumn('request_text', 'text', (column) => column.notNull())
    /** base64 of the Float32Array. */
    .addColumn('embedding', 'text', (column) => column.notNull())
    .addColumn('embedder_id', 'varchar(64)', (column) => column.notNull())
    .addColumn('interaction_id', 'varchar(64)', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('pattern_observations_scope')
    .on('pattern_observations')
    .columns(['tenant_id', 'agent_id', 'shape_hash', 'created_at'])
    .execute();

  await db.schema
    .createTable('patterns')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('shape_hash', 'varchar(64)', (column) => column.notNull())
    .addColumn('answer_key', 'varchar(64)', (column) => column.notNull())
    .addColumn('response_text', 'text', (column) => column.notNull())
    /** candidate → active (support reached minFrequency, autoDetect on) → retired (by an operator). */
    .addColumn('status', 'varchar(16)', (column) => column.notNull())
    /** Observed model answers with this answer key. */
    .addColumn('support', 'bigint', (column) => column.notNull())
    .addColumn('served', 'bigint', (column) => column.notNull())
    /** Shadow mode: requests the pattern would have answered whose model answer agreed / disagreed. */
    .addColumn('shadow_agreed', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('shadow_disagreed', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addColumn('activated_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('patterns_answer')
    .unique()
    .on('patterns')
    .columns(['tenant_id', 'agent_id', 'shape_hash', 'answer_key'])
    .execute();
  await db.schema
    .createIndex('patterns_agent')
    .on('patterns')
    .columns(['tenant_id', 'agent_id', 'status'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('patterns').execute();
  await db.schema.dropTable('pattern_observations').execute();
}
