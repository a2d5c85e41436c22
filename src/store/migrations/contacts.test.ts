import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { migrationBefore, migratorOf, tableNames } from '../../../test/support/migrations.js';

const contactTables = ['contacts', 'contact_identities', 'contact_link_codes'];

describe.each(storeEngines)('migration 0017 (contacts) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('creates the tables; an identity is unique per tenant and kind, not across tenants; down drops them', async () => {
    opened = await engine.open();
    const { store } = opened;
    const migrator = migratorOf(store);
    expect(await tableNames(store)).toEqual(expect.arrayContaining(contactTables));
    const link = (tenant: string, contact: string) =>
      sql`insert into contact_identities (tenant_id, kind, value, contact_id, linked_by, created_at, created_by)
        values (${tenant}, 'email', 'ada@example.com', ${contact}, 'operator', 1, 'test')`.execute(store.db);
    await link('acme', 'c1');
    await expect(link('acme', 'c2')).rejects.toThrow();
    await link('globex', 'c9');

    const previous = await migrationBefore(migrator, '0017-contacts');
    expect((await migrator.migrateTo(previous)).error).toBeUndefined();
    expect((await tableNames(store)).filter((name) => contactTables.includes(name))).toEqual([]);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await tableNames(store)).toEqual(expect.arrayContaining(contactTables));
  });
});
