/** Cost analytics: rollups per tenant, agent, day and tier, and each agent's running model-answer baseline. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cost_rollups')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('day', 'varchar(10)', (column) => column.notNull())
    .addColumn('tier', 'varchar(32)', (column) => column.notNull())
    .addColumn('requests', 'bigint', (column) => column.notNull())
    .addColumn('errors', 'bigint', (column) => column.notNull())
    .addColumn('cost_micro_usd', 'bigint', (column) => column.notNull())
    /** What these requests would have cost on the model, at the running average when each was answered. */
    .addColumn('baseline_micro_usd', 'bigint', (column) => column.notNull())
    .addColumn('input_tokens', 'bigint', (column) => column.notNull())
    .addColumn('output_tokens', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('cost_rollups_pk', ['tenant_id', 'agent_id', 'day', 'tier'])
    .execute();
  await db.schema
    .createTable('cost_baselines')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('model_answers', 'bigint', (column) => column.notNull())
    .addColumn('model_cost_micro_usd', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('cost_baselines_pk', ['tenant_id', 'agent_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cost_baselines').execute();
  await db.schema.dropTable('cost_rollups').execute();
}
