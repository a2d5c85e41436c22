import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { StewardError } from '../errors/index.js';
import { isConnectionFailure, mapConnectionFailure, STORE_UNAVAILABLE_MESSAGE } from './store-unavailable.js';

const dir = mkdtempSync(join(tmpdir(), 'steward-unavailable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejectionOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('isConnectionFailure', () => {
  it('recognises a refused PostgreSQL connection (a real ECONNREFUSED from pg)', async () => {
    const client = new pg.Client({ connectionString: 'postgres://nobody@127.0.0.1:1/nothing' });
    const error = await rejectionOf(() => client.connect());
    expect(isConnectionFailure(error)).toBe(true);
  });

  it("recognises a session the server ended (57P01) and the client's later 'not queryable'", async () => {
    const url = inject('postgresUrl');
    const victim = new pg.Client({ connectionString: url });
    victim.on('error', () => {});
    await victim.connect();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const { rows } = await victim.query<{ pid: number }>('select pg_backend_pid() as pid');
      // Terminated while a query runs, the victim gets the server's 57P01 as that query's error.
      const running = rejectionOf(() => victim.query('select pg_sleep(5)'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      const terminated = await running;
      expect((terminated as { code?: string }).code).toBe('57P01');
      expect(isConnectionFailure(terminated)).toBe(true);
      const after = await rejectionOf(() => victim.query('select 1'));
      expect(isConnectionFailure(after)).toBe(true);
    } finally {
      await admin.end();
      await victim.end().catch(() => {});
    }
  });

  it('recognises the server states and connection-exception class by SQLSTATE', () => {
    for (const code of ['57P01', '57P02', '57P03', '53300', '08000', '08006', '08P01']) {
      const error = Object.assign(new pg.DatabaseError('server went away', 0, 'error'), { code });
      expect(isConnectionFailure(error), code).toBe(true);
    }
  });

  it('recognises a SQLite file that cannot be opened or is locked past the busy timeout', () => {
    const cantOpen = thrownBy(() => new BetterSqlite3(join(dir, 'gone.db'), { fileMustExist: true }));
    expect((cantOpen as { code?: string }).code).toBe('SQLITE_CANTOPEN');
    expect(isConnectionFailure(cantOpen)).toBe(true);

    const path = join(dir, 'busy.db');
    const holder = new BetterSqlite3(path);
    const waiter = new BetterSqlite3(path);
    try {
      holder.exec('create table t (x integer); begin immediate; insert into t values (1);');
      waiter.pragma('busy_timeout = 0');
      const busy = thrownBy(() => waiter.exec('begin immediate'));
      expect((busy as { code?: string }).code).toBe('SQLITE_BUSY');
      expect(isConnectionFailure(busy)).toBe(true);
    } finally {
      holder.close();
      waiter.close();
    }
  });

  it('looks through causes and AggregateErrors', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isConnectionFailure(new Error('wrapped', { cause: refused }))).toBe(true);
    expect(isConnectionFailure(new AggregateError([new Error('other'), refused]))).toBe(true);
  });

  it('leaves query errors alone: syntax, constraints, a closed SQLite database', async () => {
    const client = new pg.Client({ connectionString: inject('postgresUrl') });
    await client.connect();
    try {
      const syntax = await rejectionOf(() => client.query('selec 1'));
      expect((syntax as { code?: string }).code).toBe('42601');
      expect(isConnectionFailure(syntax)).toBe(false);
    } finally {
      await client.end();
    }
    const database = new BetterSqlite3(':memory:');
    database.exec('create table t (x integer primary key)');
    database.exec('insert into t values (1)');
    const constraint = thrownBy(() => database.exec('insert into t values (1)'));
    expect((constraint as { code?: string }).code).toMatch(/^SQLITE_CONSTRAINT/);
    expect(isConnectionFailure(constraint)).toBe(false);
    database.close();
    expect(isConnectionFailure(new Error('boom'))).toBe(false);
    expect(isConnectionFailure('ECONNREFUSED')).toBe(false);
  });
});

describe('mapConnectionFailure', () => {
  it('turns a connection failure into store-unavailable with the driver error kept as the cause only', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' });
    const mapped = mapConnectionFailure(refused) as StewardError;
    expect(StewardError.isInstance(mapped)).toBe(true);
    expect(mapped.code).toBe('store-unavailable');
    expect(mapped.status).toBe(503);
    expect(mapped.message).toBe(STORE_UNAVAILABLE_MESSAGE);
    expect(JSON.stringify(mapped.toJSON())).not.toContain('10.0.0.7');
    expect(mapped.cause).toBe(refused);
  });

  it('returns other errors as they are', () => {
    const other = new Error('duplicate key');
    expect(mapConnectionFailure(other)).toBe(other);
    const typed = new StewardError('not-found', 'no such thing');
    expect(mapConnectionFailure(typed)).toBe(typed);
  });
});
