import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { compiledLatestRead, compiledQuery } from './compiled-query.js';

// A type alias, not an interface: Kysely's withTables<T>() needs an index-signature-compatible type.
type ProbeTables = {
  compiled_probe: { id: string; tenant_id: string; hits: number };
};

describe.each(storeEngines)('compiledQuery on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function probe(): Promise<Kysely<ProbeTables>> {
    opened = await engine.open();
    await sql`create table compiled_probe (id text primary key, tenant_id text not null, hits integer not null)`.execute(
      opened.store.db,
    );
    return opened.store.db.withTables<ProbeTables>() as unknown as Kysely<ProbeTables>;
  }

  it('binds each call’s values into SQL compiled once, with the query’s own constants kept', async () => {
    const db = await probe();
    // A value used twice (insert and update) and a constant (+ 1) of the query itself.
    const bump = compiledQuery((inner: Kysely<ProbeTables>, id: string, tenantId: string, start: number) =>
      inner
        .insertInto('compiled_probe')
        .values({ id, tenant_id: tenantId, hits: start })
        .onConflict((conflict) =>
          conflict
            .column('id')
            .doUpdateSet((eb) => ({ hits: eb(eb('compiled_probe.hits', '+', 1), '+', start) })),
        ),
    );
    const byTenant = compiledQuery((inner: Kysely<ProbeTables>, tenantId: string) =>
      inner
        .selectFrom('compiled_probe')
        .select(['id', 'hits'])
        .where('tenant_id', '=', tenantId)
        .orderBy('id'),
    );
    await bump(db, 'a', 'acme', 5);
    await bump(db, 'b', 'globex', 7);
    await bump(db, 'a', 'acme', 10); // 5 + 1 + 10
    expect((await byTenant(db, 'acme')).rows.map((row) => [row.id, Number(row.hits)])).toEqual([['a', 16]]);
    expect((await byTenant(db, 'globex')).rows.map((row) => [row.id, Number(row.hits)])).toEqual([['b', 7]]);
    expect((await byTenant(db, 'initech')).rows).toEqual([]);
    // Inside a transaction too.
    await opened!.store.writeTransaction(async (transaction) => {
      await bump(transaction.withTables<ProbeTables>() as unknown as Kysely<ProbeTables>, 'c', 'acme', 1);
    });
    expect((await byTenant(db, 'acme')).rows.map((row) => row.id)).toEqual(['a', 'c']);
  });

  it('builds on every call a query whose value is not a bound parameter, so results stay right', async () => {
    const db = await probe();
    await sql`insert into compiled_probe (id, tenant_id, hits) values ('a', 'acme', 1), ('b', 'acme', 2), ('c', 'acme', 3)`.execute(
      db,
    );
    // The value lands in the SQL text (a literal), not in a parameter.
    const literal = compiledQuery((inner: Kysely<ProbeTables>, id: string) =>
      inner.selectFrom('compiled_probe').select('hits').where('id', '=', sql.lit(id)),
    );
    expect((await literal(db, 'b')).rows.map((row) => Number(row.hits))).toEqual([2]);
    expect((await literal(db, 'c')).rows.map((row) => Number(row.hits))).toEqual([3]);
  });

  it('compiledLatestRead: the latest committed rows, read while a transaction is open without waiting for it', async () => {
    const db = await probe();
    const store = opened!.store;
    await sql`insert into compiled_probe (id, tenant_id, hits) values ('a', 'acme', 1), ('b', 'globex', 2)`.execute(
      db,
    );
    const byTenant = compiledLatestRead((inner: Kysely<ProbeTables>, tenantId: string) =>
      inner
        .selectFrom('compiled_probe')
        .select(['id', 'hits'])
        .where('tenant_id', '=', tenantId)
        .orderBy('id'),
    );
    const ids = async (tenantId: string) => (await byTenant(store, db, tenantId)).map((row) => row.id);
    expect(await ids('acme')).toEqual(['a']);
    expect(await ids('globex')).toEqual(['b']);
    expect(await ids('initech')).toEqual([]);
    // On SQLite a read through the driver would wait for this transaction's connection (and never end here).
    await store.writeTransaction(async (transaction) => {
      await sql`insert into compiled_probe (id, tenant_id, hits) values ('c', 'acme', 3)`.execute(
        transaction,
      );
      expect(await ids('acme')).toEqual(['a']);
    });
    expect(await ids('acme')).toEqual(['a', 'c']);
    // A builder that cannot be templated still answers, through the driver.
    const literal = compiledLatestRead((inner: Kysely<ProbeTables>, id: string) =>
      inner.selectFrom('compiled_probe').select('hits').where('id', '=', sql.lit(id)),
    );
    expect((await literal(store, db, 'c')).map((row) => Number(row.hits))).toEqual([3]);
  });
});
