/**
 * Channels (issue 14): the files a customer sent with a message are kept in the store with the message
 * (sealed like it when the store has a key), so the worker that claims it on any instance can put them
 * into the agent's workspace; before, they were written only on the instance that received the webhook.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('channel_inbound_files')
    .addColumn('inbound_id', 'varchar(64)', (column) => column.notNull())
    /** 0-based order in the message (the file name on disk starts with position + 1). */
    .addColumn('position', 'integer', (column) => column.notNull())
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    /** Workspace-relative path the file is written to (`inbox/<message id>/<n>-<name>`). */
    .addColumn('path', 'varchar(512)', (column) => column.notNull())
    .addColumn('size_bytes', 'bigint', (column) => column.notNull())
    /** The bytes as base64, sealed with the store's secret key when it has one. */
    .addColumn('content', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('channel_inbound_files_pk', ['inbound_id', 'position'])
    .execute();
  await db.schema
    .createIndex('channel_inbound_files_scope')
    .on('channel_inbound_files')
    .columns(['tenant_id', 'agent_id', 'inbound_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('channel_inbound_files').execute();
}
