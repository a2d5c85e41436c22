/**
 * better-sqlite3 compiles a statement on every `prepare`; Kysely prepares every query it runs. This
 * keeps the most recently used statements compiled, keyed by their SQL, so a hot path (audit appends,
 * cache lookups) skips SQLite's parser and planner. Safe because Kysely runs one query at a time on
 * the connection (a mutex), so a cached statement is never used by two queries at once.
 */
import type BetterSqlite3 from 'better-sqlite3';

/** The part of better-sqlite3's Database that Kysely's SQLite driver uses. */
export interface PreparingDatabase {
  prepare(sql: string): BetterSqlite3.Statement;
  close(): void;
}

/**
 * @example
 * new SqliteDialect({ database: cacheStatements(new BetterSqlite3(path)) })
 */
export function cacheStatements(database: BetterSqlite3.Database, maxStatements = 256): PreparingDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) {
        // Map order is recency order: move to the end.
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= maxStatements) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
