/** Audit retention: archived (and purged) segments per tenant, and legal holds that stop purges. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_archives')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('first_seq', 'bigint', (column) => column.notNull())
    .addColumn('last_seq', 'bigint', (column) => column.notNull())
    .addColumn('first_prev_hash', 'varchar(64)', (column) => column.notNull())
    .addColumn('last_hash', 'varchar(64)', (column) => column.notNull())
    .addColumn('record_count', 'bigint', (column) => column.notNull())
    /** Where the segment went (`file://…` / `s3://…` and its object), or null: purged without an archive. */
    .addColumn('location', 'text')
    .addColumn('archived_at', 'bigint', (column) => column.notNull())
    .addColumn('purged_at', 'bigint')
    .addPrimaryKeyConstraint('audit_archives_pk', ['tenant_id', 'first_seq'])
    .execute();
  await db.schema
    .createTable('audit_legal_holds')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.primaryKey())
    .addColumn('held_by', 'varchar(256)', (column) => column.notNull())
    .addColumn('reason', 'text', (column) => column.notNull())
    .addColumn('since', 'bigint', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_legal_holds').execute();
  await db.schema.dropTable('audit_archives').execute();
}
