import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { migrationBefore, migratorOf, tableNames } from '../../../test/support/migrations.js';

const registryTables = ['agents', 'templates', 'tenants'];

describe.each(storeEngines)('migration 0011 (registry) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('creates the tenants, agents and templates tables with their indexes; down drops them, up again restores', async () => {
    opened = await engine.open();
    const { store } = opened;
    expect(await tableNames(store)).toEqual(expect.arrayContaining(registryTables));
    expect(await indexNames(store)).toEqual(expect.arrayContaining(['agents_status', 'agents_extends']));
    // Epoch-ms times past 2^31 and the composite key both hold.
    await sql`insert into agents (tenant_id, agent_id, config, extends, version, status, created_at, updated_at, created_by, updated_by)
      values ('acme', 'desk', '{}', null, 1, 'active', 1780000000000, 1780000000000, 'alice', 'alice')`.execute(
      store.db,
    );
    await expect(
      sql`insert into agents (tenant_id, agent_id, config, extends, version, status, created_at, updated_at, created_by, updated_by)
        values ('acme', 'desk', '{}', null, 1, 'active', 1, 1, 'bob', 'bob')`.execute(store.db),
    ).rejects.toThrow();

    const previous = await migrationBefore(migratorOf(store), '0011-registry');
    expect((await migratorOf(store).migrateTo(previous)).error).toBeUndefined();
    expect((await tableNames(store)).filter((name) => registryTables.includes(name))).toEqual([]);
    expect((await migratorOf(store).migrateToLatest()).error).toBeUndefined();
    expect(await tableNames(store)).toEqual(expect.arrayContaining(registryTables));
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
