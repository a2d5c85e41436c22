/**
 * A dedicated read-only connection on a SQLite database file, for one-value reads on a hot path: the
 * read is synchronous (no driver queue, a few µs), never inside a transaction of the store's own
 * connection, and in WAL mode each read sees the latest commit of any process.
 */
import BetterSqlite3 from 'better-sqlite3';

export interface LatestReader {
  /** A prepared read of the first column of the first row (undefined when there is none). */
  prepare(sql: string): () => unknown;
  close(): void;
}

/**
 * @example
 * const reader = openLatestReader('/var/lib/steward/steward.db');
 * const epoch = reader.prepare('select epoch from api_key_epoch where id = 1');
 * epoch(); // 7
 */
export function openLatestReader(path: string): LatestReader {
  let database: BetterSqlite3.Database | undefined;
  const open = () => {
    if (!database) {
      database = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
      database.pragma('busy_timeout = 5000');
    }
    return database;
  };
  return {
    prepare(sql) {
      const statement = open().prepare(sql).pluck();
      return () => statement.get();
    },
    close() {
      database?.close();
      database = undefined;
    },
  };
}
