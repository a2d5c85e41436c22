import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { createMigrationProvider } from './index.js';

describe.each(storeEngines)('migration 0014 (capabilities) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('migration 0014 goes down and up again', async () => {
    opened = await engine.open();
    const migrator = new Migrator({
      db: opened.store.db,
      provider: createMigrationProvider(opened.store.engine),
      migrationTableName: 'steward_migrations',
      migrationLockTableName: 'steward_migrations_lock',
    });
    const names = (await migrator.getMigrations()).map((migration) => migration.name);
    const previous = names.filter((name) => name < '0014-capabilities').at(-1)!;
    expect((await migrator.migrateTo(previous)).error).toBeUndefined();
    const tables = async () => (await opened!.store.db.introspection.getTables()).map((table) => table.name);
    expect(await tables()).not.toContain('capabilities');
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await tables()).toContain('capabilities');
  });
});
