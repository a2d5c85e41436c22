/**
 * Reads on a hot path (one value, or the rows of a compiled read), synchronous (no driver queue), that see the latest commit of any process
 * and never an uncommitted write of the store's own connection. While that connection has no transaction
 * open, the read runs on it: its own read sees every commit (WAL), and its page cache is warm (~3 µs). While
 * it has one open (a group commit between two of its statements), the read runs on a dedicated read-only
 * connection instead, whose cache every commit of the store invalidates (one request at a time, 16–20 µs).
 */
import BetterSqlite3 from 'better-sqlite3';

export interface LatestReader {
  /** A prepared read of the first column of the first row (undefined when there is none). */
  prepare(sql: string): () => unknown;
  /** A prepared read of every row, its parameters bound in order. */
  prepareRows(sql: string): (parameters: readonly unknown[]) => unknown[];
  close(): void;
}

/**
 * @example
 * const reader = openLatestReader('/var/lib/steward/steward.db');
 * const epoch = reader.prepare('select epoch from api_key_epoch where id = 1');
 * epoch(); // 7
 */
export function openLatestReader(path: string, main?: BetterSqlite3.Database): LatestReader {
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
      const side = open().prepare(sql).pluck();
      if (!main) return () => side.get();
      // Kysely's queries on `main` run synchronously to completion (better-sqlite3), so none is half-run here.
      const own = main.prepare(sql).pluck();
      return () => (main.inTransaction ? side.get() : own.get());
    },
    prepareRows(sql) {
      const side = open().prepare(sql);
      if (!main) return (parameters) => side.all(parameters);
      const own = main.prepare(sql);
      return (parameters) => (main.inTransaction ? side : own).all(parameters);
    },
    close() {
      database?.close();
      database = undefined;
    },
  };
}
