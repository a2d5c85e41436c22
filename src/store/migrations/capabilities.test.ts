import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { migrationBefore, migratorOf, tableNames } from '../../../test/support/migrations.js';

describe.each(storeEngines)('migration 0014 (capabilities) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('migration 0014 goes down and up again', async () => {
    opened = await engine.open();
    const migrator = migratorOf(opened.store);
    const previous = await migrationBefore(migrator, '0014-capabilities');
    expect((await migrator.migrateTo(previous)).error).toBeUndefined();
    const tables = () => tableNames(opened!.store);
    expect(await tables()).not.toContain('capabilities');
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await tables()).toContain('capabilities');
  });
});
