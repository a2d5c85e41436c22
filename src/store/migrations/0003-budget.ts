/** Budgets: per tenant, agent and calendar day, the spent and reserved amounts, and each run's reservation. */
import type { Kysely } from 'kysely';

// Money is stored as integer micro-dollars (bigint): sums and the budget comparison stay exact, with no
// float drift between what was reserved and what is released.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('budget_days')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('day', 'varchar(10)', (column) => column.notNull())
    .addColumn('daily_micro_usd', 'bigint')
    .addColumn('spent_micro_usd', 'bigint', (column) => column.notNull())
    .addColumn('reserved_micro_usd', 'bigint', (column) => column.notNull())
    .addColumn('threshold_alerted_ppm', 'integer')
    .addColumn('exhausted_alerted', 'integer', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('budget_days_pk', ['tenant_id', 'agent_id', 'day'])
    .execute();

  await db.schema
    .createTable('budget_reservations')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('day', 'varchar(10)', (column) => column.notNull())
    .addColumn('interaction_id', 'varchar(64)', (column) => column.notNull())
    .addColumn('amount_micro_usd', 'bigint', (column) => column.notNull())
    .addColumn('actual_micro_usd', 'bigint')
    .addColumn('status', 'varchar(16)', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('settled_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('budget_reservations_open')
    .on('budget_reservations')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('budget_reservations_interaction')
    .on('budget_reservations')
    .columns(['tenant_id', 'agent_id', 'interaction_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('budget_reservations').execute();
  await db.schema.dropTable('budget_days').execute();
}
