/**
 * A verification worker (parallel-verify.ts): opens the SQLite file read-only and takes ranges of the
 * plan from the shared counter until none are left or one is broken, posting each range's result. A
 * failure ends the worker (an `error` event in the parent); ranges it took and never reported are
 * checked there. Imports kept to the range check (module-worker.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { type SharedPlan, takeRange } from './verify-range.js';

const plan = workerData as SharedPlan & { path: string };
const database = new BetterSqlite3(plan.path, { readonly: true, fileMustExist: true });
try {
  for (let result = takeRange(database, plan); result; result = takeRange(database, plan)) {
    parentPort!.postMessage({ result });
  }
} finally {
  database.close();
}
