import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

const baseUrl = inject('postgresUrl');

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const result = await client.query('select 1 from pg_database where datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('test PostgreSQL server', () => {
  const created: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of created) await db.drop();
  });

  it('serves the steward_test database over loopback', async () => {
    expect(baseUrl).toMatch(/^postgres(ql)?:\/\//);
    const [row] = await query<{ version: string; db: string }>(
      baseUrl,
      'select version() as version, current_database() as db',
    );
    expect(row?.version).toMatch(/^PostgreSQL \d+/);
    if (!process.env.STEWARD_TEST_DATABASE_URL) expect(row?.db).toBe('steward_test');
  });

  it('creates isolated databases that can be dropped', async () => {
    const a = await createTestDatabase(baseUrl, 'Setup-Check');
    const b = await createTestDatabase(baseUrl, 'Setup-Check');
    created.push(a, b);

    expect(a.name).toMatch(/^setup_check_[a-z0-9]+_[0-9a-f]{8}$/);
    expect(a.name).not.toBe(b.name);
    expect(new URL(a.url).pathname).toBe(`/${a.name}`);

    await query(a.url, 'create table t (x int); insert into t values (1)');
    await expect(query(b.url, 'select * from t')).rejects.toThrow(/relation "t" does not exist/);
    const [row] = await query<{ db: string }>(b.url, 'select current_database() as db');
    expect(row?.db).toBe(b.name);

    // A session left open (as a leaked pool would) must not block the drop.
    const leaked = new pg.Client({ connectionString: a.url });
    leaked.on('error', () => {});
    await leaked.connect();
    await a.drop();
    await a.drop();
    expect(await databaseExists(a.name)).toBe(false);
    expect(await databaseExists(b.name)).toBe(true);
    await leaked.end().catch(() => {});

    await b.drop();
    expect(await databaseExists(b.name)).toBe(false);
  });

  it('keeps long or odd prefixes within the identifier limit', async () => {
    const db = await createTestDatabase(baseUrl, `9 ${'x'.repeat(100)}`);
    created.push(db);
    expect(db.name.length).toBeLessThanOrEqual(63);
    expect(db.name).toMatch(/^t_9_x+_/);
    expect(await databaseExists(db.name)).toBe(true);
  });
});
