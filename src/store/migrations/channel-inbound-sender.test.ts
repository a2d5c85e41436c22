import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { indexNamesOf, migrationBefore, migratorOf } from '../../../test/support/migrations.js';

describe.each(storeEngines)('migration 0022 (a queued message’s sender digest) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function inboundShape(store: TestStore['store']) {
    const tables = await store.db.introspection.getTables();
    const inbound = tables.find((table) => table.name === 'channel_inbound');
    return {
      columns: inbound?.columns.map((column) => column.name) ?? [],
      indexes: await indexNamesOf(store, 'channel_inbound'),
    };
  }

  it('adds sender_digest and conversation_digest with an index by tenant, agent, sender and time; down removes them, up restores', async () => {
    opened = await engine.open();
    const { store } = opened;
    const migrator = migratorOf(store);
    await sql`insert into channel_inbound (id, channel, provider_id, tenant_id, agent_id, message, status, priority, attempts, available_at, received_at, sender_digest, conversation_digest)
      values ('m-1', 'sms', 'SM1', 'acme', 'desk', '{}', 'done', 1, 1, 0, 1780000000000, 'ab12', 'cd34')`.execute(
      store.db,
    );
    let shape = await inboundShape(store);
    expect(shape.columns).toEqual(expect.arrayContaining(['sender_digest', 'conversation_digest']));
    expect(shape.indexes).toContain('channel_inbound_sender');

    const previous = await migrationBefore(migrator, '0022-channel-inbound-sender');
    expect((await migrator.migrateTo(previous)).error).toBeUndefined();
    shape = await inboundShape(store);
    expect(shape.columns).not.toContain('sender_digest');
    expect(shape.columns).not.toContain('conversation_digest');
    expect(shape.indexes).not.toContain('channel_inbound_sender');
    // The queued message itself survives the way down.
    const kept = await sql<{ id: string }>`select id from channel_inbound`.execute(store.db);
    expect(kept.rows.map((row) => row.id)).toEqual(['m-1']);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    shape = await inboundShape(store);
    expect(shape.columns).toEqual(expect.arrayContaining(['sender_digest', 'conversation_digest']));
    expect(shape.indexes).toContain('channel_inbound_sender');
  });
});
