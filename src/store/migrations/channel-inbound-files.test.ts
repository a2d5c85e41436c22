import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { migrationBefore, migratorOf, tableNames } from '../../../test/support/migrations.js';

describe.each(storeEngines)('migration 0021 (a message’s files kept with it) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('creates channel_inbound_files keyed by message and position; down drops it, up again restores', async () => {
    opened = await engine.open();
    const { store } = opened;
    const migrator = migratorOf(store);
    const insert = (position: number) =>
      sql`insert into channel_inbound_files (inbound_id, position, tenant_id, agent_id, path, size_bytes, content, created_at)
        values ('m-1', ${position}, 'acme', 'desk', 'inbox/m-1/1-a.pdf', 3, 'YWJj', 1780000000000)`.execute(
        store.db,
      );
    await insert(0);
    await expect(insert(0)).rejects.toThrow();
    await insert(1);

    const previous = await migrationBefore(migrator, '0021-channel-inbound-files');
    expect((await migrator.migrateTo(previous)).error).toBeUndefined();
    expect(await tableNames(store)).not.toContain('channel_inbound_files');
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await tableNames(store)).toContain('channel_inbound_files');
  });
});
