/**
 * Channels (issue 14): urgency from the sender's context. Each queued message keeps keyed digests (HMAC under
 * a key derived from the store's secret, never the number or address itself) of its sender's identity and of
 * its conversation, so one indexed query finds what the same sender wrote to the same tenant's agent in the
 * last day and the level of the conversation's previous message. Older rows have none and simply do not count.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('channel_inbound').addColumn('sender_digest', 'varchar(64)').execute();
  await db.schema.alterTable('channel_inbound').addColumn('conversation_digest', 'varchar(64)').execute();
  await db.schema
    .createIndex('channel_inbound_sender')
    .on('channel_inbound')
    .columns(['tenant_id', 'agent_id', 'sender_digest', 'received_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // SQLite refuses to drop a column an index names: the index goes first.
  await db.schema.dropIndex('channel_inbound_sender').execute();
  await db.schema.alterTable('channel_inbound').dropColumn('conversation_digest').execute();
  await db.schema.alterTable('channel_inbound').dropColumn('sender_digest').execute();
}
