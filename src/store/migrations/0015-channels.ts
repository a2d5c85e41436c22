/**
 * Channels (issue 14): the routing table from a provider's destination (a Slack workspace, an inbound
 * email address, an SMS number) to a tenant's agent with its encrypted secrets, the durable inbound queue
 * (deduplicated by the provider's id, claimed under a lease), the outbound idempotency log that makes a
 * reply go out once, and the record of messages dropped for an unknown destination.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('channel_bindings')
    /** slack | email | sms */
    .addColumn('channel', 'varchar(16)', (column) => column.notNull())
    /** Slack `team:T…` / `enterprise:E…`, an email address (lower case), an E.164 number. */
    .addColumn('route_key', 'varchar(256)', (column) => column.notNull())
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    /** JSON of the channel's secrets (a bot token …), encrypted with the store's secret key; null when none. */
    .addColumn('secret', 'text')
    /** JSON of what is safe to show (workspace name, bot user id …). */
    .addColumn('details', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('channel_bindings_pkey', ['channel', 'route_key'])
    .execute();
  await db.schema
    .createIndex('channel_bindings_agent')
    .on('channel_bindings')
    .columns(['tenant_id', 'agent_id'])
    .execute();

  await db.schema
    .createTable('channel_inbound')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('channel', 'varchar(16)', (column) => column.notNull())
    /** The provider's id of the event (Slack `event_id`, `MessageSid`, `Message-ID`): retries are dropped. */
    .addColumn('provider_id', 'varchar(512)', (column) => column.notNull())
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('agent_id', 'varchar(128)', (column) => column.notNull())
    /** The ChannelMessage as JSON, encrypted when the store has a key (it holds the customer's words). */
    .addColumn('message', 'text', (column) => column.notNull())
    /** queued | working | done | failed */
    .addColumn('status', 'varchar(16)', (column) => column.notNull())
    /** Higher first: urgent messages jump the queue. */
    .addColumn('priority', 'integer', (column) => column.notNull())
    .addColumn('attempts', 'integer', (column) => column.notNull())
    .addColumn('available_at', 'bigint', (column) => column.notNull())
    .addColumn('lease_owner', 'varchar(128)')
    .addColumn('lease_expires_at', 'bigint')
    /** The agent's answer once it has one (encrypted like `message`): a retry sends it without asking again. */
    .addColumn('reply', 'text')
    .addColumn('last_error', 'text')
    .addColumn('received_at', 'bigint', (column) => column.notNull())
    .addColumn('completed_at', 'bigint')
    .addUniqueConstraint('channel_inbound_provider', ['channel', 'provider_id'])
    .execute();
  await db.schema
    .createIndex('channel_inbound_claim')
    .on('channel_inbound')
    .columns(['status', 'priority', 'available_at'])
    .execute();

  await db.schema
    .createTable('channel_outbound')
    /** Made by the sender from the inbound id and the part (`<inbound id>:part:2`). */
    .addColumn('idempotency_key', 'varchar(256)', (column) => column.primaryKey())
    .addColumn('inbound_id', 'varchar(64)', (column) => column.notNull())
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('channel', 'varchar(16)', (column) => column.notNull())
    /** pending (recorded before the provider call) | sent (the provider accepted it) */
    .addColumn('state', 'varchar(16)', (column) => column.notNull())
    .addColumn('provider_message_id', 'varchar(512)')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();

  await db.schema
    .createTable('channel_drops')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('channel', 'varchar(16)', (column) => column.notNull())
    .addColumn('provider_id', 'varchar(512)')
    .addColumn('route_key', 'varchar(256)')
    /** unknown-destination | … */
    .addColumn('reason', 'varchar(64)', (column) => column.notNull())
    .addColumn('received_at', 'bigint', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('channel_drops').execute();
  await db.schema.dropTable('channel_outbound').execute();
  await db.schema.dropTable('channel_inbound').execute();
  await db.schema.dropTable('channel_bindings').execute();
}
