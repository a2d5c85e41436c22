import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../open-store.js';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, startWalCheckpointer } from './wal-checkpointer.js';

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<boolean> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe('the WAL checkpoint worker', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('folds committed pages into the database file while the writer only appends to the WAL', async () => {
    dir = mkdtempSync(join(tmpdir(), 'steward-wal-'));
    const path = join(dir, 'x.db');
    const writer = new BetterSqlite3(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    writer.exec('create table t (x text)');
    const insert = writer.prepare('insert into t values (?)');
    writer.transaction(() => {
      for (let index = 0; index < 2_000; index++) insert.run('x'.repeat(1_000));
    })();
    // ~2 MB committed: far below the writer's own backstop, so only the worker can move it.
    const before = statSync(path).size;
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(1_000_000);
    const checkpointer = startWalCheckpointer({ path, intervalMs: 20 });
    expect(await until(() => statSync(path).size > before + 1_000_000)).toBe(true);
    await checkpointer.stop();
    await checkpointer.stop(); // idempotent
    expect(writer.prepare('select count(*) as n from t').get()).toEqual({ n: 2_000 });
    writer.close();
  });

  it('reports a database it cannot open instead of throwing in the process', async () => {
    dir = mkdtempSync(join(tmpdir(), 'steward-wal-'));
    const errors: string[] = [];
    const checkpointer = startWalCheckpointer({
      path: join(dir, 'missing.db'),
      onError: (message) => errors.push(message),
    });
    expect(await until(() => errors.length > 0)).toBe(true);
    expect(errors[0]).toMatch(/unable to open|does not exist|no such file/i);
    await checkpointer.stop();
  });

  it('runs beside every SQLite file store, which closes last and leaves no WAL behind', async () => {
    dir = mkdtempSync(join(tmpdir(), 'steward-wal-'));
    const path = join(dir, 'steward.db');
    const store = await openStore({ path }, {});
    await sql`create table filler (x text)`.execute(store.db);
    const before = statSync(path).size;
    await store.writeTransaction(async (db) => {
      for (let index = 0; index < 1_000; index++) {
        await sql`insert into filler values (${'x'.repeat(1_000)})`.execute(db);
      }
    });
    expect(await until(() => statSync(path).size > before + 500_000)).toBe(true);
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(store.warnings).toEqual([]);
  });
});

describe('closing a store with its checkpoint worker', () => {
  it('keeps the process alive until the store is closed (nothing else holds the event loop)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-wal-'));
    try {
      const script = `
        import { openStore } from ${JSON.stringify(new URL('../open-store.ts', import.meta.url).href)};
        const store = await openStore({ path: ${JSON.stringify(join(dir, 'steward.db'))} }, {});
        await store.close();
        console.log('closed');
      `;
      const output = execFileSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        {
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      expect(output.trim()).toBe('closed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
