import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { STORE_UNAVAILABLE_MESSAGE } from './store-unavailable.js';

const opened: TestStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.cleanup();
});

async function rejectionOf(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await work;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe.each(storeEngines)('store health on $name', (engine) => {
  const open = async (extra = {}) => {
    const store = await engine.open(extra);
    opened.push(store);
    return store.store;
  };

  it('pings, and has no pending migration once opened', async () => {
    const store = await open();
    await expect(store.ping()).resolves.toBeUndefined();
    expect(await store.pendingMigrations()).toEqual([]);
  });

  it('names a migration the database has not recorded, and all of them without the migration table', async () => {
    const store = await open();
    await sql`delete from steward_migrations where name = '0009-audit-conversation-index'`.execute(store.db);
    expect(await store.pendingMigrations()).toEqual(['0009-audit-conversation-index']);
    await sql`drop table steward_migrations`.execute(store.db);
    const pending = await store.pendingMigrations();
    expect(pending[0]).toBe('0001-foundation');
    expect(pending).toContain('0009-audit-conversation-index');
  });

  it('rejects a ping on a closed store as store-unavailable', async () => {
    const store = await open();
    await store.close();
    expect(await rejectionOf(store.ping())).toMatchObject({ code: 'store-unavailable' });
  });
});

describe('store health on postgres only', () => {
  const postgres = storeEngines.find((engine) => engine.name === 'postgres')!;

  it('times a ping out when no connection comes free', async () => {
    const testStore = await postgres.open({ poolSize: 1 });
    opened.push(testStore);
    const { store } = testStore;
    let release!: () => void;
    const held = store.writeTransaction(async (db) => {
      await sql`select 1`.execute(db);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const error = await rejectionOf(store.ping({ timeoutMs: 200 }));
    const waited = Date.now() - started;
    release();
    await held;
    expect(error).toMatchObject({ code: 'store-unavailable' });
    expect(error.message).toMatch(/within 200 ms/);
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(2_000);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('maps a session the server ended mid-transaction to store-unavailable, and the pool reconnects', async () => {
    const testStore = await postgres.open({ poolSize: 2 });
    opened.push(testStore);
    const { store } = testStore;
    const admin = new pg.Client({ connectionString: inject('postgresUrl') });
    await admin.connect();
    try {
      const error = await rejectionOf(
        store.writeTransaction(async (db) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
          await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
          await new Promise((resolve) => setTimeout(resolve, 100));
          await sql`select 1`.execute(db);
        }),
      );
      expect(error).toMatchObject({ code: 'store-unavailable', message: STORE_UNAVAILABLE_MESSAGE });
      expect((error as { cause?: unknown }).cause).toBeInstanceOf(Error);
      // Query errors are not connection failures: they keep the driver's code for the callers that retry on it.
      expect(await rejectionOf(sql`selec 1`.execute(store.db))).toMatchObject({ code: '42601' });
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await store.interactions.list({})).toMatchObject({ items: [] });
    } finally {
      await admin.end();
    }
  });
});
