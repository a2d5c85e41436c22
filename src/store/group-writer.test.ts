import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { GroupWriter, type RowKind } from './group-writer.js';
import type { StewardStore } from './types.js';

describe.each(storeEngines)('GroupWriter on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await opened?.cleanup();
    opened = undefined;
  });

  /** A writer over the store's own transactions that counts them. */
  async function countedWriter() {
    opened = await engine.open();
    const store: StewardStore = opened.store;
    await sql`create table if not exists group_writer_probe (id text primary key, note text not null)`.execute(
      store.db,
    );
    const counter = { transactions: 0 };
    const writer = new GroupWriter((work) => {
      counter.transactions++;
      return store.writeTransaction(work);
    });
    const insert = (id: string) => (db: StewardStore['db']) =>
      sql`insert into group_writer_probe (id, note) values (${id}, 'x')`.execute(db).then(() => id);
    const rows = async () =>
      (await sql<{ id: string }>`select id from group_writer_probe order by id`.execute(store.db)).rows.map(
        (row) => row.id,
      );
    return { store, writer, counter, insert, rows };
  }

  it('commits writes handed over together in one transaction, each resolving after it', async () => {
    const { writer, counter, insert, rows } = await countedWriter();
    const ids = Array.from({ length: 40 }, (_, index) => `w${String(index).padStart(2, '0')}`);
    const results = await Promise.all(ids.map((id) => writer.run(insert(id))));
    expect(results).toEqual(ids);
    expect(counter.transactions).toBe(1);
    expect(await rows()).toEqual(ids);
  });

  it('fails only the bad write of a shared transaction: the others are retried alone and commit', async () => {
    const { writer, insert, rows } = await countedWriter();
    await writer.run(insert('taken'));
    const outcomes = await Promise.allSettled([
      writer.run(insert('a')),
      writer.run(insert('taken')), // primary key conflict
      writer.run(insert('b')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await rows()).toEqual(['a', 'b', 'taken']);
  });

  it('commits a lone write at once: no timer stands between it and its commit', async () => {
    const { writer, counter, insert, rows } = await countedWriter();
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
    expect(await writer.run(insert('alone'))).toBe('alone');
    vi.useRealTimers();
    expect(counter.transactions).toBe(1);
    expect(await rows()).toEqual(['alone']);
  });

  it('is the store’s batchWrite: a failing write fails only its own caller', async () => {
    const { store, insert, rows } = await countedWriter();
    const outcomes = await Promise.allSettled([
      store.batchWrite(insert('one')),
      store.batchWrite(async () => {
        throw new Error('bad write');
      }),
      store.batchWrite(insert('two')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await rows()).toEqual(['one', 'two']);
  });
  it('writes the rows a shared transaction collected once per kind, in it, before it commits', async () => {
    const { writer, counter, rows } = await countedWriter();
    const flushes: string[][] = [];
    const probeRows: RowKind<string> = {
      async flush(db, ids) {
        flushes.push([...ids]);
        for (const id of ids)
          await sql`insert into group_writer_probe (id, note) values (${id}, 'row')`.execute(db);
      },
    };
    const ids = Array.from({ length: 12 }, (_, index) => `r${String(index).padStart(2, '0')}`);
    const results = await Promise.all(
      ids.map((id) =>
        writer.run(async (_db, collected) => {
          collected.add(probeRows, id);
          return id;
        }),
      ),
    );
    expect(results).toEqual(ids);
    expect(counter.transactions).toBe(1);
    expect(flushes).toEqual([ids]);
    expect(await rows()).toEqual(ids);
  });

  it('fails only the write whose row fails: the shared transaction is retried write by write, rows included', async () => {
    const { writer, insert, rows } = await countedWriter();
    await writer.run(insert('taken'));
    const probeRows: RowKind<string> = {
      async flush(db, ids) {
        for (const id of ids)
          await sql`insert into group_writer_probe (id, note) values (${id}, 'row')`.execute(db);
      },
    };
    const add = (id: string) =>
      writer.run(async (_db, collected) => {
        collected.add(probeRows, id);
        return id;
      });
    const outcomes = await Promise.allSettled([add('a'), add('taken'), add('b')]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await rows()).toEqual(['a', 'b', 'taken']);
  });
});
