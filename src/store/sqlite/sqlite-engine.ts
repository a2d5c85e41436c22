/** The embedded engine: SQLite through better-sqlite3, WAL mode, checkpoints in a worker thread. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type Dialect, SqliteDialect } from 'kysely';
import { cacheStatements } from './statement-cache.js';
import {
  BACKSTOP_AUTOCHECKPOINT_PAGES,
  startWalCheckpointer,
  type WalCheckpointer,
} from './wal-checkpointer.js';

export interface SqliteEngineOptions {
  path: string;
  synchronous: 'normal' | 'full';
  /** Told when the checkpoint worker fails (the connection's own checkpoints carry on). */
  onWarning?: (message: string) => void;
}

export interface SqliteEngine {
  dialect: Dialect;
  /** The background checkpointer of a file database (none for `:memory:`). */
  checkpointer: WalCheckpointer | undefined;
}

export function createSqliteEngine(options: SqliteEngineOptions): SqliteEngine {
  const inMemory = options.path === ':memory:';
  if (!inMemory) mkdirSync(dirname(options.path), { recursive: true });
  const database = new BetterSqlite3(options.path);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  // 32 MiB of page cache (SQLite's default is 2 MiB): the audit tables' indexes outgrow 2 MiB within
  // minutes of steady appends.
  database.pragma('cache_size = -32768');
  let checkpointer: WalCheckpointer | undefined;
  if (!inMemory) {
    database.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    checkpointer = startWalCheckpointer({
      path: options.path,
      onError: (message) => options.onWarning?.(`the SQLite checkpoint worker stopped: ${message}`),
    });
  }
  return {
    dialect: new SqliteDialect({ database: cacheStatements(database) as unknown as BetterSqlite3.Database }),
    checkpointer,
  };
}
