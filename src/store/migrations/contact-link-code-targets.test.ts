import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { indexNamesOf, migrationBefore, migratorOf } from '../../../test/support/migrations.js';

describe.each(storeEngines)('migration 0023 (link codes counted per target) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('adds an index by tenant, target and time; down removes it and keeps the codes, up restores it', async () => {
    opened = await engine.open();
    const { store } = opened;
    const migrator = migratorOf(store);
    await sql`insert into contact_link_codes (tenant_id, id, contact_id, target_kind, target_value, confirm_kind, confirm_value, code_hash, attempts, expires_at, consumed_at, created_at, created_by)
      values ('acme', 'c-1', 'k-1', 'email', 'jo@example.com', 'phone', '+14155550199', 'ab', 0, 1780000600000, null, 1780000000000, 'customer')`.execute(
      store.db,
    );
    expect(await indexNamesOf(store, 'contact_link_codes')).toContain('contact_link_codes_target');

    const previous = await migrationBefore(migrator, '0023-contact-link-code-targets');
    expect((await migrator.migrateTo(previous)).error).toBeUndefined();
    expect(await indexNamesOf(store, 'contact_link_codes')).not.toContain('contact_link_codes_target');
    const kept = await sql<{ id: string }>`select id from contact_link_codes`.execute(store.db);
    expect(kept.rows.map((row) => row.id)).toEqual(['c-1']);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await indexNamesOf(store, 'contact_link_codes')).toContain('contact_link_codes_target');
  });
});
