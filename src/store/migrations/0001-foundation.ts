/** Interactions, conversations and SDK session transcripts. */
import type { Kysely } from 'kysely';
import type { StoreEngine } from '../types.js';

export async function up(db: Kysely<unknown>, engine: StoreEngine): Promise<void> {
  await db.schema
    .createTable('interactions')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('conversation_id', 'varchar(256)', (column) => column.notNull())
    .addColumn('channel', 'varchar(32)', (column) => column.notNull())
    .addColumn('tier', 'varchar(32)', (column) => column.notNull())
    .addColumn('outcome', 'varchar(32)', (column) => column.notNull())
    .addColumn('error_code', 'varchar(64)')
    .addColumn('error_message', 'text')
    .addColumn('request_text', 'text', (column) => column.notNull())
    .addColumn('reply_text', 'text', (column) => column.notNull())
    .addColumn('cost_usd', 'double precision', (column) => column.notNull())
    .addColumn('input_tokens', 'integer', (column) => column.notNull())
    .addColumn('output_tokens', 'integer', (column) => column.notNull())
    .addColumn('cache_read_tokens', 'integer', (column) => column.notNull())
    .addColumn('cache_write_tokens', 'integer', (column) => column.notNull())
    .addColumn('latency_ms', 'double precision', (column) => column.notNull())
    .addColumn('queue_wait_ms', 'double precision', (column) => column.notNull())
    .addColumn('tool_calls', 'text', (column) => column.notNull())
    .addColumn('simulated_model', 'integer', (column) => column.notNull())
    .addColumn('sdk_session_id', 'varchar(128)')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('interactions_scope_time')
    .on('interactions')
    .columns(['tenant_id', 'agent_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('interactions_time').on('interactions').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('conversations')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('conversation_id', 'varchar(256)', (column) => column.notNull())
    .addColumn('channel', 'varchar(32)', (column) => column.notNull())
    .addColumn('sdk_session_id', 'varchar(128)')
    .addColumn('turns', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('conversations_pk', ['tenant_id', 'agent_id', 'conversation_id'])
    .execute();

  await db.schema
    .createTable('session_entries')
    .addColumn('id', engine === 'postgres' ? 'bigint' : 'integer', (column) =>
      engine === 'postgres'
        ? column.primaryKey().generatedByDefaultAsIdentity()
        : column.primaryKey().autoIncrement(),
    )
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('project_key', 'varchar(512)', (column) => column.notNull())
    .addColumn('session_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('subpath', 'varchar(512)', (column) => column.notNull())
    .addColumn('uuid', 'varchar(128)')
    .addColumn('entry', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('session_entries_key')
    .on('session_entries')
    .columns(['tenant_id', 'agent_id', 'project_key', 'session_id', 'subpath', 'id'])
    .execute();
  await db.schema
    .createIndex('session_entries_uuid')
    .unique()
    .on('session_entries')
    .columns(['tenant_id', 'agent_id', 'project_key', 'session_id', 'subpath', 'uuid'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('session_entries').execute();
  await db.schema.dropTable('conversations').execute();
  await db.schema.dropTable('interactions').execute();
}
