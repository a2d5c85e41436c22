/**
 * Budget leases and measured runs. Each BudgetService (one per agent and app instance) holds a lease row it
 * renews while it has reservations open; a reservation names its holder, so one whose holder stopped
 * renewing (the process was killed) is freed by the next reservation that would not fit, instead of after
 * the 10-minute stale TTL. A settled reservation keeps what the run measured (its tokens, and the input
 * part of its reservation), from which the next reservations are sized: a resumed conversation's history,
 * and how far the agent's recent runs went beyond their input.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('budget_holders')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('expires_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
  // One column per statement: SQLite adds one column per ALTER TABLE.
  const columns: Array<[name: string, type: 'varchar(64)' | 'varchar(256)' | 'bigint']> = [
    ['holder_id', 'varchar(64)'],
    ['conversation_id', 'varchar(256)'],
    ['input_micro_usd', 'bigint'],
    ['prompt_tokens', 'bigint'],
    ['output_tokens', 'bigint'],
  ];
  for (const [name, type] of columns) {
    await db.schema.alterTable('budget_reservations').addColumn(name, type).execute();
  }
  // The last measured turn of a conversation (the history the next turn resends).
  await db.schema
    .createIndex('budget_reservations_conversation')
    .on('budget_reservations')
    .columns(['tenant_id', 'agent_id', 'conversation_id', 'created_at'])
    .execute();
  // The agent's most recent runs (by creation: written once, never moved by a settle).
  await db.schema
    .createIndex('budget_reservations_recent')
    .on('budget_reservations')
    .columns(['tenant_id', 'agent_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('budget_reservations_recent').execute();
  await db.schema.dropIndex('budget_reservations_conversation').execute();
  for (const name of ['output_tokens', 'prompt_tokens', 'input_micro_usd', 'conversation_id', 'holder_id']) {
    await db.schema.alterTable('budget_reservations').dropColumn(name).execute();
  }
  await db.schema.dropTable('budget_holders').execute();
}
