/** The scale-out engine: PostgreSQL through `pg`, shared by many app instances. */
import { type Dialect, PostgresDialect } from 'kysely';
import type PgModule from 'pg';
import { lazyRequire } from '../../loading/index.js';

type Pg = typeof PgModule;
// Loaded on first use: a store on SQLite never loads the PostgreSQL driver.
const pg = lazyRequire<Pg>('pg');

export interface PostgresEngineOptions {
  url: string;
  poolSize: number;
}

const INT8_OID = 20;

/** int8 columns hold epoch milliseconds and counters, all far below 2^53: read them as numbers. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg().types.getTypeParser(oid, format as 'text')) as Pg['types']['getTypeParser'],
};

/**
 * How long a query waits for a connection (a new one to be made, or one of the pool's to come free)
 * before failing as `store-unavailable`; without it, a server that drops packets held requests forever.
 */
export const CONNECT_TIMEOUT_MS = 10_000;

export function createPostgresDialect(options: PostgresEngineOptions): Dialect {
  const pool = new (pg().Pool)({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types,
  });
  // A server restart must not crash the process; the pool drops the broken clients and the next query
  // connects anew. An idle client's error is emitted on the pool; a checked-out client's (a transaction
  // between statements) on the client itself, where pg-pool listens only while it is idle. The failed
  // query rejects either way, so these listeners only keep the 'error' event from being unhandled.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return new PostgresDialect({ pool });
}

/** The URL without its password, for logs and banners. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}
