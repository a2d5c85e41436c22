/** Trust: per-agent state, outcomes in the evaluation window, the change history, tool counts and approvals. */
import type { Kysely } from 'kysely';
import type { StoreEngine } from '../types.js';

export async function up(db: Kysely<unknown>, engine: StoreEngine): Promise<void> {
  const identity = engine === 'postgres' ? 'bigint' : 'integer';
  // Feedback on an interaction (agent.feedback), kept with the interaction whether or not trust is on.
  await db.schema.alterTable('interactions').addColumn('feedback', 'varchar(16)').execute();
  await db.schema.alterTable('interactions').addColumn('feedback_note', 'text').execute();
  await db.schema.alterTable('interactions').addColumn('feedback_at', 'bigint').execute();
  await db.schema
    .createTable('trust_states')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('level', 'double precision', (column) => column.notNull())
    .addColumn('frozen', 'integer', (column) => column.notNull())
    .addColumn('window_after_outcome_id', 'bigint', (column) => column.notNull())
    .addColumn('window_started_at', 'bigint', (column) => column.notNull())
    .addColumn('last_change_at', 'bigint')
    .addColumn('gained_on_day', 'varchar(10)')
    .addColumn('gained_today', 'double precision', (column) => column.notNull())
    .addColumn('last_outcome_at', 'bigint')
    .addColumn('last_decay_at', 'bigint')
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('trust_states_pk', ['tenant_id', 'agent_id'])
    .execute();

  await db.schema
    .createTable('trust_outcomes')
    .addColumn('id', identity, (column) =>
      engine === 'postgres'
        ? column.primaryKey().generatedByDefaultAsIdentity()
        : column.primaryKey().autoIncrement(),
    )
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('interaction_id', 'varchar(64)', (column) => column.notNull())
    .addColumn('at', 'bigint', (column) => column.notNull())
    .addColumn('kind', 'varchar(16)', (column) => column.notNull())
    .addColumn('denied', 'integer', (column) => column.notNull())
    .addColumn('escalations', 'integer', (column) => column.notNull())
    .addColumn('latency_ms', 'double precision', (column) => column.notNull())
    .addColumn('cost_usd', 'double precision', (column) => column.notNull())
    .addColumn('feedback', 'varchar(16)')
    .execute();
  await db.schema
    .createIndex('trust_outcomes_interaction')
    .unique()
    .on('trust_outcomes')
    .columns(['tenant_id', 'agent_id', 'interaction_id'])
    .execute();
  await db.schema
    .createIndex('trust_outcomes_window')
    .on('trust_outcomes')
    .columns(['tenant_id', 'agent_id', 'id'])
    .execute();

  await db.schema
    .createTable('trust_changes')
    .addColumn('id', identity, (column) =>
      engine === 'postgres'
        ? column.primaryKey().generatedByDefaultAsIdentity()
        : column.primaryKey().autoIncrement(),
    )
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('at', 'bigint', (column) => column.notNull())
    .addColumn('from_level', 'double precision', (column) => column.notNull())
    .addColumn('to_level', 'double precision', (column) => column.notNull())
    .addColumn('kind', 'varchar(16)', (column) => column.notNull())
    .addColumn('reason', 'text', (column) => column.notNull())
    .addColumn('rule', 'text')
    .addColumn('metrics', 'text')
    .addColumn('actor', 'varchar(256)')
    .execute();
  await db.schema
    .createIndex('trust_changes_scope')
    .on('trust_changes')
    .columns(['tenant_id', 'agent_id', 'id'])
    .execute();

  await db.schema
    .createTable('trust_tool_counts')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('tool_name', 'varchar(256)', (column) => column.notNull())
    .addColumn('allowed', 'bigint', (column) => column.notNull())
    .addColumn('denied', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('trust_tool_counts_pk', ['tenant_id', 'agent_id', 'tool_name'])
    .execute();

  await db.schema
    .createTable('trust_approvals')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('interaction_id', 'varchar(64)', (column) => column.notNull())
    .addColumn('tool_name', 'varchar(256)', (column) => column.notNull())
    .addColumn('input', 'text', (column) => column.notNull())
    .addColumn('level', 'double precision', (column) => column.notNull())
    .addColumn('required_level', 'double precision')
    .addColumn('status', 'varchar(16)', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('expires_at', 'bigint', (column) => column.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('decided_by', 'varchar(256)')
    .addColumn('note', 'text')
    .execute();
  await db.schema
    .createIndex('trust_approvals_scope')
    .on('trust_approvals')
    .columns(['tenant_id', 'status', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['feedback', 'feedback_note', 'feedback_at']) {
    await db.schema.alterTable('interactions').dropColumn(column).execute();
  }
  for (const table of [
    'trust_approvals',
    'trust_tool_counts',
    'trust_changes',
    'trust_outcomes',
    'trust_states',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
