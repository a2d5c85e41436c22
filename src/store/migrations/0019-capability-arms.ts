/**
 * Learn (issue 13): the canary counts every outcome in both arms, the interactions a capability took part
 * in are stored (so feedback given on another instance or after a restart counts against the right arm),
 * a refused or failed generation is recorded on its candidate, and a rolled-back capability's cluster may
 * get new generations on new evidence (up to the learning config's `maxGenerations` handlers in all; see
 * learn/regenerate.ts).
 */
import type { Kysely } from 'kysely';

/** Counters added to `capabilities`: trust failures of the canary arm, and the control arm in full. */
const counters = [
  'canary_failures',
  'control_replies',
  'control_abstentions',
  'control_exceptions',
  'control_timeouts',
  'control_failures',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of counters) {
    await db.schema
      .alterTable('capabilities')
      .addColumn(column, 'bigint', (definition) => definition.notNull().defaultTo(0))
      .execute();
  }
  /** 1 for the first handler of a cluster, then one more for each regeneration after a rollback. */
  await db.schema
    .alterTable('capabilities')
    .addColumn('generation', 'integer', (definition) => definition.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable('capabilities').addColumn('rolled_back_at', 'bigint').execute();
  /** Why the model was not asked or could not write the handler (e.g. `budget-exceeded: …`); retried next pass. */
  await db.schema.alterTable('capabilities').addColumn('generation_error', 'text').execute();
  await db.schema.dropIndex('capabilities_cluster').execute();
  await db.schema
    .createIndex('capabilities_cluster')
    .unique()
    .on('capabilities')
    .columns(['tenant_id', 'agent_id', 'scope_key', 'cluster_signature', 'generation'])
    .execute();

  await db.schema
    .createTable('capability_interactions')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('interaction_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('capability_id', 'varchar(64)', (column) => column.notNull())
    /** canary (the handler answered), control (it would have; the chain answered), promoted. */
    .addColumn('arm', 'varchar(16)', (column) => column.notNull())
    /** The first rating given (positive | negative), so a repeated rating counts once. */
    .addColumn('feedback', 'varchar(16)')
    /** Whether trust recorded the interaction as failed (counted once). */
    .addColumn('failed', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('capability_interactions_pk', [
      'tenant_id',
      'agent_id',
      'interaction_id',
      'capability_id',
    ])
    .execute();
  await db.schema
    .createIndex('capability_interactions_created')
    .on('capability_interactions')
    .columns(['tenant_id', 'agent_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('capability_interactions').execute();
  await db.schema.dropIndex('capabilities_cluster').execute();
  await db.schema
    .createIndex('capabilities_cluster')
    .unique()
    .on('capabilities')
    .columns(['tenant_id', 'agent_id', 'scope_key', 'cluster_signature'])
    .execute();
  for (const column of [...counters, 'generation', 'rolled_back_at', 'generation_error']) {
    await db.schema.alterTable('capabilities').dropColumn(column).execute();
  }
}
