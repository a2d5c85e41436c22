import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { createMigrationProvider } from './index.js';

describe.each(storeEngines)('migration 0021 (a message’s files kept with it) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('creates channel_inbound_files keyed by message and position; down drops it, up again restores', async () => {
    opened = await engine.open();
    const { store } = opened;
    const migrator = new Migrator({
      db: store.db,
      provider: createMigrationProvider(store.engine),
      migrationTableName: 'steward_migrations',
      migrationLockTableName: 'steward_migrations_lock',
    });
    const insert = (position: number) =>
      sql`insert into channel_inbound_files (inbound_id, position, tenant_id, agent_id, path, size_bytes, content, created_at)
        values ('m-1', ${position}, 'acme', 'desk', 'inbox/m-1/1-a.pdf', 3, 'YWJj', 1780000000000)`.execute(
        store.db,
      );
    await insert(0);
    await expect(insert(0)).rejects.toThrow();
    await insert(1);

    const previous = (await migrator.getMigrations())
      .map((migration) => migration.name)
      .filter((name) => name < '0021-channel-inbound-files')
      .at(-1)!;
    expect((await migrator.migrateTo(previous)).error).toBeUndefined();
    expect(await tableNames(store)).not.toContain('channel_inbound_files');
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await tableNames(store)).toContain('channel_inbound_files');
  });
});

async function tableNames(store: TestStore['store']): Promise<string[]> {
  const tables = await store.db.introspection.getTables();
  return tables.map((table) => table.name);
}
