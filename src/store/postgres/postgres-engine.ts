/** The scale-out engine: PostgreSQL through `pg`, shared by many app instances. */
import { type Dialect, PostgresDialect } from 'kysely';
import pg from 'pg';

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
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export function createPostgresDialect(options: PostgresEngineOptions): Dialect {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize, types });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
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
