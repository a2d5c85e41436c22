import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { migrationBefore, migratorOf, tableNames } from '../../../test/support/migrations.js';

const smsTables = ['sms_opt_outs', 'sms_outbound'];

describe.each(storeEngines)('migration 0016 (SMS opt-outs and outbound ledger) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('creates both tables with their keys; down drops them, up again restores', async () => {
    opened = await engine.open();
    const { store } = opened;
    const migrator = migratorOf(store);
    expect(await tableNames(store)).toEqual(expect.arrayContaining(smsTables));
    await sql`insert into sms_opt_outs (tenant_id, tenant_number, sender, keyword, opted_out_at)
      values ('acme', '+14155550100', '+14155550123', 'STOP', 1780000000000)`.execute(store.db);
    await expect(
      sql`insert into sms_opt_outs (tenant_id, tenant_number, sender, keyword, opted_out_at)
        values ('acme', '+14155550100', '+14155550123', 'QUIT', 1)`.execute(store.db),
    ).rejects.toThrow();
    await sql`insert into sms_outbound (idempotency_key, tenant_id, tenant_number, recipient, content_hash, status, message_sid, created_at, updated_at)
      values ('k', 'acme', '+14155550100', '+14155550123', 'h', 'sending', null, 1780000000000, 1780000000000)`.execute(
      store.db,
    );

    const previous = await migrationBefore(migrator, '0016-sms-opt-outs');
    expect((await migrator.migrateTo(previous)).error).toBeUndefined();
    expect((await tableNames(store)).filter((name) => smsTables.includes(name))).toEqual([]);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await tableNames(store)).toEqual(expect.arrayContaining(smsTables));
  });
});
