/**
 * Fresh PostgreSQL databases for tests, so test files running in parallel never share tables.
 *
 *   const db = await createTestDatabase(inject('postgresUrl'), 'store');
 *   // ... connect to db.url ...
 *   await db.drop();
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** The database's name, e.g. `store_m1x2y3z4_1a2b3c4d`. */
  name: string;
  /** Connection URL of the new database (same server, user and password as the base URL). */
  url: string;
  /**
   * Drops the database, first ending any sessions still connected to it (pools the test did not
   * close). Safe to call more than once.
   */
  drop(): Promise<void>;
}

/** PostgreSQL truncates identifiers longer than this. */
const MAX_IDENTIFIER_LENGTH = 63;

/**
 * Creates a new, empty, uniquely named database on the server of `baseUrl` (any database on that
 * server that the URL's role can connect to; the role needs CREATEDB). `prefix` makes the name
 * recognisable; it is lower-cased and reduced to letters, digits and underscores.
 */
export async function createTestDatabase(baseUrl: string, prefix = 'test'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await withClient(baseUrl, async (client) => {
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  });
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      await withClient(baseUrl, async (client) => {
        await client.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [name],
        );
        await client.query(`drop database if exists ${client.escapeIdentifier(name)}`);
      });
      dropped = true;
    },
  };
}

function uniqueName(prefix: string): string {
  let clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(clean)) clean = `t_${clean}`;
  const suffix = `_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  return clean.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length) + suffix;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
