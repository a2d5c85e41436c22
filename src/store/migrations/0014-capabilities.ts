/**
 * Learn (issue 13): one row per capability, a handler the model wrote for one cluster of repeated
 * requests, from detection through validation, approval and canary to promotion or rollback.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('capabilities')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    /** The policy scope the handler was validated under (the cache's shape hash: trust band, prompt, policy). */
    .addColumn('scope_key', 'varchar(64)', (column) => column.notNull())
    /** What identifies the cluster across detection runs (its answer key). */
    .addColumn('cluster_signature', 'varchar(64)', (column) => column.notNull())
    /** detected | generated | failed-validation | pending-approval | canary | promoted | rolled-back | rejected */
    .addColumn('state', 'varchar(24)', (column) => column.notNull())
    /** The cluster as detected: members, confidence and its parts (JSON). */
    .addColumn('cluster', 'text', (column) => column.notNull())
    .addColumn('code', 'text')
    .addColumn('generation_prompt', 'text')
    /** The model's cost of writing the handler, integer micro-dollars. */
    .addColumn('generation_cost_micros', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('validation_report', 'text')
    /** Percentage (0..100) of conversations routed to the handler while in canary. */
    .addColumn('rollout', 'integer', (column) => column.notNull().defaultTo(0))
    /** Per arm: trials (calls), replies, abstentions (null), exceptions, time-outs, negative feedback. */
    .addColumn('canary_trials', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('canary_replies', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('canary_abstentions', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('canary_exceptions', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('canary_timeouts', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('canary_negative', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('control_trials', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('control_negative', 'bigint', (column) => column.notNull().defaultTo(0))
    /** Replies after promotion, and their failures (exceptions, time-outs, negative feedback). */
    .addColumn('served', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('served_errors', 'bigint', (column) => column.notNull().defaultTo(0))
    /** Model cost the handler's replies avoided, micro-dollars (the agent's average model answer each). */
    .addColumn('saved_micros', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('decided_by', 'varchar(256)')
    .addColumn('decision_reason', 'text')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addColumn('decided_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('capabilities_cluster')
    .unique()
    .on('capabilities')
    .columns(['tenant_id', 'agent_id', 'scope_key', 'cluster_signature'])
    .execute();
  await db.schema
    .createIndex('capabilities_state')
    .on('capabilities')
    .columns(['tenant_id', 'agent_id', 'state'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('capabilities').execute();
}
