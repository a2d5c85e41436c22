/**
 * WAL checkpoints off the event loop. In WAL mode every commit appends pages to the `-wal` file, and
 * by default the committing connection copies them back into the database (with fsyncs) whenever the
 * log passes 1,000 pages: half of a write-heavy process's time on its one thread (measured on the
 * audit log's appends). Here a worker thread with its own connection runs `PRAGMA
 * wal_checkpoint(PASSIVE)` on a timer instead: passive checkpoints never block writers or readers, the
 * fsyncs wait in the worker, and the writer's own automatic checkpoint stays as a backstop at a larger
 * log size, for when the worker falls behind or is gone.
 *
 * Durability is unchanged: commits are in the WAL either way; a checkpoint only moves them.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface WalCheckpointerOptions {
  /** The database file (not `:memory:`). */
  path: string;
  /** How often the worker checkpoints; default 100 ms. */
  intervalMs?: number;
  /** Called with a message when the worker fails (it then stops; the writer's backstop takes over). */
  onError?: (message: string) => void;
}

export interface WalCheckpointer {
  /** Stops the worker (its connection closes; idempotent). */
  stop(): Promise<void>;
}

/** The writer's own automatic checkpoint, in pages, while a worker checkpoints (SQLite's default: 1,000). */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 16_000;

// CommonJS, evaluated in the worker: no TypeScript loader is needed there, in a checkout or a build.
// A failure is posted as text (a thrown driver error does not survive the copy to the parent intact).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let db;
let timer;
function fail(error) {
  clearTimeout(timer);
  parentPort.postMessage({ error: String((error && error.message) || error) });
  try { db?.close(); } catch {}
  parentPort.close();
}
function tick() {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // Busy: another checkpoint is running (the writer's backstop); try again next time.
    if (!error || (error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED')) return fail(error);
  }
  timer = setTimeout(tick, workerData.intervalMs);
}
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
  timer = setTimeout(tick, workerData.intervalMs);
} catch (error) {
  fail(error);
}
`;

/**
 * Starts checkpointing `path` in a worker thread. The worker never keeps the process alive.
 *
 * @example
 * const checkpointer = startWalCheckpointer({ path: './.steward/steward.db' });
 * await checkpointer.stop();
 */
export function startWalCheckpointer(options: WalCheckpointerOptions): WalCheckpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path: options.path,
      intervalMs: options.intervalMs ?? 100,
    },
  });
  worker.unref();
  worker.on('message', (message: { error?: string }) => {
    if (message.error !== undefined) options.onError?.(message.error);
  });
  // Only a crash of the worker itself (out of memory, a bug in this file) arrives as an error event.
  worker.on('error', (error) => options.onError?.(String(error)));
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      // Terminating also ends a worker still starting (waiting for it cost ~60 ms per store); its
      // connection is closed as the thread goes (better-sqlite3 closes a thread's databases on exit).
      stopping ??= worker.terminate().then(() => undefined);
      return stopping;
    },
  };
}
