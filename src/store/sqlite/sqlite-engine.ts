/** The embedded engine: SQLite through better-sqlite3, WAL mode, checkpoints in a worker thread. */
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type Dialect, SqliteDialect } from 'kysely';
import { createPrivateFile, createPrivateFolder, restrictToOwner } from '../private-files.js';
import { cacheStatements } from './statement-cache.js';
import {
  BACKSTOP_AUTOCHECKPOINT_PAGES,
  startWalCheckpointer,
  type WalCheckpointer,
} from './wal-checkpointer.js';

export interface SqliteEngineOptions {
  path: string;
  synchronous: 'normal' | 'full';
  /** Page cache in MiB (default {@link DEFAULT_SQLITE_CACHE_MB}). */
  cacheMb?: number;
  /** Told when the checkpoint worker fails (the connection's own checkpoints carry on). */
  onWarning?: (message: string) => void;
}

export interface SqliteEngine {
  dialect: Dialect;
  /** The store's own connection (Kysely's), for the latest-value reads of latest-reader.ts. */
  database: BetterSqlite3.Database;
  /** The background checkpointer of a file database (none for `:memory:`). */
  checkpointer: WalCheckpointer | undefined;
}

/** The SQLite page cache's default size in MiB. */
export const DEFAULT_SQLITE_CACHE_MB = 32;

export function createSqliteEngine(options: SqliteEngineOptions): SqliteEngine {
  const inMemory = options.path === ':memory:';
  if (!inMemory) prepareDatabaseFiles(options.path, options.onWarning);
  const database = new BetterSqlite3(options.path);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  // 32 MiB of page cache by default (SQLite's default is 2 MiB): the audit tables' indexes outgrow 2 MiB
  // within minutes of steady appends. It fills as pages are read and stays at its bound.
  database.pragma(`cache_size = -${(options.cacheMb ?? DEFAULT_SQLITE_CACHE_MB) * 1024}`);
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
    database,
    checkpointer,
  };
}

/**
 * The database file is made 0600 before SQLite opens it (SQLite would make it 0644), in a folder made
 * 0700; SQLite gives the -wal and -shm files it creates later the mode of the database file. Files an
 * earlier version left readable by others are narrowed, with a warning.
 */
function prepareDatabaseFiles(path: string, onWarning: ((message: string) => void) | undefined): void {
  createPrivateFolder(dirname(path));
  const created = createPrivateFile(path);
  for (const file of created ? [] : [path, `${path}-wal`, `${path}-shm`]) {
    const warning = restrictToOwner(file);
    if (warning) onWarning?.(warning);
  }
}
