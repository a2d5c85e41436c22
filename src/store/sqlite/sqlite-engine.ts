/** The embedded engine: SQLite through better-sqlite3, WAL mode. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type Dialect, SqliteDialect } from 'kysely';
import { cacheStatements } from './statement-cache.js';

export interface SqliteEngineOptions {
  path: string;
  synchronous: 'normal' | 'full';
}

export function createSqliteDialect(options: SqliteEngineOptions): Dialect {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const database = new BetterSqlite3(options.path);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  return new SqliteDialect({ database: cacheStatements(database) as unknown as BetterSqlite3.Database });
}
