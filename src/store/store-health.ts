/** Cheap checks a readiness probe runs against the store: can it answer now, and is its schema current. */
import { type Kysely, sql } from 'kysely';
import { StewardError } from '../errors/index.js';
import type { Database } from './schema.js';
import type { StoreEngine } from './types.js';

/** The table Kysely's Migrator records executed migrations in (see open-store.ts). */
export const MIGRATION_TABLE = 'steward_migrations';
export const MIGRATION_LOCK_TABLE = 'steward_migrations_lock';

/** A ping waits this long by default before calling the store unreachable. */
export const DEFAULT_PING_TIMEOUT_MS = 2_000;

/**
 * Runs `select 1`; rejects with `store-unavailable` when the store fails or does not answer within
 * `timeoutMs` (a server that accepts no connection, or a pool with none free).
 */
export async function pingStore(db: Kysely<Database>, timeoutMs = DEFAULT_PING_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new StewardError('store-unavailable', `the store did not answer a ping within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([sql`select 1`.execute(db), timedOut]);
  } catch (error) {
    if (StewardError.isInstance(error)) throw error;
    throw new StewardError('store-unavailable', 'the store failed a ping', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The names of `expected` migrations the database has not recorded, in order: all of them when the
 * migration table is missing (an empty or replaced database). Two small queries, unlike the Migrator's
 * `getMigrations()`, which introspects every table.
 */
export async function pendingMigrationNames(
  db: Kysely<Database>,
  engine: StoreEngine,
  expected: readonly string[],
): Promise<string[]> {
  const found =
    engine === 'postgres'
      ? await sql<{ name: string | null }>`select to_regclass(${MIGRATION_TABLE})::text as name`.execute(db)
      : await sql<{
          name: string | null;
        }>`select name from sqlite_master where type = 'table' and name = ${MIGRATION_TABLE}`.execute(db);
  if (!found.rows[0]?.name) return [...expected];
  const executed = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  const done = new Set(executed.rows.map((row) => row.name));
  return expected.filter((name) => !done.has(name));
}
