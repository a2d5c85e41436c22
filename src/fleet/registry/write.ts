/**
 * How every registry write runs: one store write transaction (SQLite `BEGIN IMMEDIATE`; PostgreSQL row
 * locks where a check needs a row to hold still), retried when a concurrent writer got there first, then
 * its change records once it committed.
 */
import { StewardError, toStewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';
import type { RegistryChange, RegistryChangeSink } from './changes.js';
import { type RegistryDatabase, registryDatabase } from './schema.js';

export interface RegistryContext {
  store: StewardStore;
  now: () => number;
  changes: RegistryChangeSink;
}

/** What a write's transaction returns: its result and the changes to record (none when nothing changed). */
export interface WriteOutcome<Result> {
  result: Result;
  changes: RegistryChange[];
}

/** Thrown inside a write when a conditional statement found the row changed under it: run it again. */
export class ConcurrentChange extends Error {
  override readonly name = 'ConcurrentChange';
}

/** PostgreSQL deadlock and serialization failures: the transaction did nothing and can run again. */
const retryableCodes = new Set(['40P01', '40001']);
const maxAttempts = 5;

export async function runWrite<Result>(
  context: RegistryContext,
  work: (db: RegistryDatabase, engine: StewardStore['engine']) => Promise<WriteOutcome<Result>>,
): Promise<Result> {
  let outcome: WriteOutcome<Result> | undefined;
  for (let attempt = 1; outcome === undefined; attempt++) {
    try {
      outcome = await context.store.writeTransaction((db) =>
        work(registryDatabase(db), context.store.engine),
      );
    } catch (error) {
      const retryable =
        error instanceof ConcurrentChange ||
        retryableCodes.has(String((error as { code?: unknown } | null)?.code ?? ''));
      if (!retryable) throw error;
      if (attempt >= maxAttempts) {
        throw new StewardError(
          'conflict',
          `the registry entry kept changing under this write (${maxAttempts} attempts); try again`,
        );
      }
    }
  }
  if (outcome.changes.length > 0) {
    try {
      await context.changes.record(outcome.changes);
    } catch (error) {
      const cause = toStewardError(error);
      throw new StewardError(
        cause.code,
        `the change was saved, but its change record could not be written: ${cause.message}`,
        { cause: error, details: { saved: true } },
      );
    }
  }
  return outcome.result;
}

/** `precondition-failed` for a write whose If-Match version is not the current one. */
export function staleVersion(what: string, ifMatch: number, current?: number): StewardError {
  const now = current === undefined ? 'is no longer' : `is at version ${current}, not`;
  return new StewardError(
    'precondition-failed',
    `${what} ${now} version ${ifMatch}: it changed since you read it; read it again and reapply your change`,
    { details: { ifMatch, ...(current === undefined ? {} : { currentVersion: current }) } },
  );
}
