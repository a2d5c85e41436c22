import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { migrationBefore, migratorOf, tableNames } from '../../../test/support/migrations.js';

describe.each(storeEngines)('migration 0019 (capability arms) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('goes down and up again; a capability stored before it gets zero counters and generation 1', async () => {
    opened = await engine.open();
    const db = opened.store.db;
    const migrator = migratorOf(opened.store);
    const previous = await migrationBefore(migrator, '0019-capability-arms');
    expect((await migrator.migrateTo(previous)).error).toBeUndefined();
    const tables = () => tableNames(opened!.store);
    const columns = async () =>
      (await db.introspection.getTables())
        .find((table) => table.name === 'capabilities')!
        .columns.map((column) => column.name);
    expect(await tables()).not.toContain('capability_interactions');
    expect(await columns()).not.toContain('control_failures');
    const loose = db.withTables<{ capabilities: Record<string, unknown> }>() as never as {
      insertInto(table: string): { values(row: object): { execute(): Promise<unknown> } };
    };
    await loose
      .insertInto('capabilities')
      .values({
        id: 'c1',
        tenant_id: 'acme',
        agent_id: 'desk',
        scope_key: 's',
        cluster_signature: 'k',
        state: 'rolled-back',
        cluster: '{}',
        created_at: 1,
        updated_at: 1,
      })
      .execute();

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await tables()).toContain('capability_interactions');
    expect(await columns()).toEqual(
      expect.arrayContaining([
        'canary_failures',
        'control_replies',
        'control_failures',
        'generation',
        'generation_error',
      ]),
    );
    const row = (await db
      .withTables<{ capabilities: Record<string, unknown> }>()
      .selectFrom('capabilities' as never)
      .selectAll()
      .executeTakeFirstOrThrow()) as Record<string, unknown>;
    expect(Number(row.generation)).toBe(1);
    expect(Number(row.control_exceptions)).toBe(0);
    expect(row.rolled_back_at).toBeNull();
    // A second generation of the same cluster is allowed; a second row of the same generation is not.
    const second = { ...row, id: 'c2', generation: 2 };
    await loose.insertInto('capabilities').values(second).execute();
    await expect(
      loose
        .insertInto('capabilities')
        .values({ ...second, id: 'c3' })
        .execute(),
    ).rejects.toThrow();

    await db
      .deleteFrom('capabilities' as never)
      .where('id' as never, '=', 'c2' as never)
      .execute();
    expect((await migrator.migrateTo(previous)).error).toBeUndefined();
    expect(await tables()).not.toContain('capability_interactions');
    expect(await columns()).not.toContain('generation');
  });
});
