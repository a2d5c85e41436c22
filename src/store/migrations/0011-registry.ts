/**
 * The fleet registry: tenants, their agents' configs and the platform's config templates, as data. Each
 * row carries a version that every change raises by one (conditional updates compare it), and who made
 * and last changed it. Configs are JSON text (the agent's own part; `extends` names its template).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.primaryKey())
    .addColumn('display_name', 'varchar(256)', (column) => column.notNull())
    .addColumn('status', 'varchar(16)', (column) => column.notNull())
    .addColumn('limits', 'text', (column) => column.notNull())
    .addColumn('version', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addColumn('created_by', 'varchar(256)', (column) => column.notNull())
    .addColumn('updated_by', 'varchar(256)', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('agents')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('config', 'text', (column) => column.notNull())
    .addColumn('extends', 'varchar(128)')
    .addColumn('version', 'integer', (column) => column.notNull())
    .addColumn('status', 'varchar(16)', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addColumn('created_by', 'varchar(256)', (column) => column.notNull())
    .addColumn('updated_by', 'varchar(256)', (column) => column.notNull())
    .addPrimaryKeyConstraint('agents_pk', ['tenant_id', 'agent_id'])
    .execute();
  // A tenant's active agents (what a server loads); and the agents built on a template (its changes reach them).
  await db.schema.createIndex('agents_status').on('agents').columns(['tenant_id', 'status']).execute();
  await db.schema.createIndex('agents_extends').on('agents').column('extends').execute();

  await db.schema
    .createTable('templates')
    .addColumn('template_id', 'varchar(128)', (column) => column.primaryKey())
    .addColumn('config', 'text', (column) => column.notNull())
    .addColumn('version', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addColumn('created_by', 'varchar(256)', (column) => column.notNull())
    .addColumn('updated_by', 'varchar(256)', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['templates', 'agents', 'tenants']) await db.schema.dropTable(table).execute();
}
