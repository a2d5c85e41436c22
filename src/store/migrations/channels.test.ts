import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { migrationBefore, migratorOf, tableNames } from '../../../test/support/migrations.js';

const channelTables = ['channel_bindings', 'channel_drops', 'channel_inbound', 'channel_outbound'];

describe.each(storeEngines)('migration 0015 (channels) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('creates the channel tables with their keys; down drops them, up again restores', async () => {
    opened = await engine.open();
    const { store } = opened;
    expect(await tableNames(store)).toEqual(expect.arrayContaining(channelTables));
    expect(await indexNames(store)).toEqual(
      expect.arrayContaining(['channel_bindings_agent', 'channel_inbound_claim']),
    );
    const insert = (id: string) =>
      sql`insert into channel_inbound (id, channel, provider_id, tenant_id, agent_id, message, status, priority, attempts, available_at, received_at)
        values (${id}, 'slack', 'Ev1', 'acme', 'desk', '{}', 'queued', 1, 0, 1780000000000, 1780000000000)`.execute(
        store.db,
      );
    await insert('a');
    // One row per provider event: a retried event cannot be queued twice.
    await expect(insert('b')).rejects.toThrow();

    const previous = await migrationBefore(migratorOf(store), '0015-channels');
    expect((await migratorOf(store).migrateTo(previous)).error).toBeUndefined();
    expect((await tableNames(store)).filter((name) => channelTables.includes(name))).toEqual([]);
    expect((await migratorOf(store).migrateToLatest()).error).toBeUndefined();
    expect(await tableNames(store)).toEqual(expect.arrayContaining(channelTables));
  });
});

async function indexNames(store: TestStore['store']): Promise<string[]> {
  const rows =
    store.engine === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(store.db)
      : await sql<{
          name: string;
        }>`select indexname as name from pg_indexes where schemaname = 'public'`.execute(store.db);
  return rows.rows.map((row) => row.name);
}
