import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../open-store.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Two stores on one SQLite file: two processes, as far as either can tell. */
async function twoStoresOnOneFile() {
  const dir = mkdtempSync(join(tmpdir(), 'steward-latest-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'steward.db');
  const first = await openStore({ path }, {});
  cleanups.push(() => first.close());
  const second = await openStore({ path }, {});
  cleanups.push(() => second.close());
  return [first, second] as const;
}

describe('store.prepareLatestRead (SQLite)', () => {
  it('reads, synchronously, the latest commit of any connection, never an uncommitted write', async () => {
    const [first, second] = await twoStoresOnOneFile();
    const readEpoch = first.prepareLatestRead!('select epoch from api_key_epoch where id = 1');
    expect(readEpoch()).toBe(0);

    await sql`update api_key_epoch set epoch = 5`.execute(second.db);
    expect(readEpoch()).toBe(5);

    // Inside a write transaction of the store's own connection, the side connection still sees the last commit.
    await first.writeTransaction(async (db) => {
      await sql`update api_key_epoch set epoch = 6`.execute(db);
      expect(readEpoch()).toBe(5);
    });
    expect(readEpoch()).toBe(6);
    expect(first.prepareLatestRead!('select epoch from api_key_epoch where id = 2')()).toBeUndefined();
  });

  it('prepareLatestRows reads every row with its parameters, the latest commit of any connection', async () => {
    const [first, second] = await twoStoresOnOneFile();
    await sql`create table latest_probe (id text primary key, tenant_id text not null)`.execute(first.db);
    const byTenant = first.prepareLatestRows!('select id from latest_probe where tenant_id = ? order by id');
    expect(byTenant(['acme'])).toEqual([]);
    await sql`insert into latest_probe values ('a', 'acme'), ('b', 'globex')`.execute(second.db);
    expect(byTenant(['acme'])).toEqual([{ id: 'a' }]);
    await first.writeTransaction(async (db) => {
      await sql`insert into latest_probe values ('c', 'acme')`.execute(db);
      expect(byTenant(['acme'])).toEqual([{ id: 'a' }]);
    });
    expect(byTenant(['acme'])).toEqual([{ id: 'a' }, { id: 'c' }]);
  });

  it('is not offered for an in-memory database', async () => {
    const store = await openStore({ path: ':memory:' }, {});
    cleanups.push(() => store.close());
    expect(store.prepareLatestRead).toBeUndefined();
    expect(store.prepareLatestRows).toBeUndefined();
  });
});
