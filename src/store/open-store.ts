/** Opens the configured engine and migrates it to the current schema. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Kysely, Migrator, sql } from 'kysely';
import { StewardError } from '../errors/index.js';
import { withConnectionFailures } from './connection-failure-dialect.js';
import { ConversationRepository } from './conversation-repository.js';
import { createKeyDerivation } from './derived-keys.js';
import { GroupWriter } from './group-writer.js';
import { InteractionRepository } from './interaction-repository.js';
import { createMigrationProvider } from './migrations/index.js';
import { createPostgresDialect, redactPostgresUrl } from './postgres/postgres-engine.js';
import { listenPostgres } from './postgres/postgres-listener.js';
import { restrictToOwner } from './private-files.js';
import type { Database } from './schema.js';
import { SessionTranscriptRepository } from './session-transcript-repository.js';
import { openLatestReader } from './sqlite/latest-reader.js';
import { createSqliteEngine, DEFAULT_SQLITE_CACHE_MB } from './sqlite/sqlite-engine.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, pendingMigrationNames, pingStore } from './store-health.js';
import { createAesGcmCipher, parseSecretKey } from './transcript-cipher.js';
import type { StewardStore, StoreConfig, StoreEngine } from './types.js';

export const defaultSqlitePath = './.steward/steward.db';

/**
 * The folder for the files that go with a store (the SDK runtime's run folders): the folder of a SQLite
 * file store, else `./.steward`, absolute.
 *
 * @example
 * new ClaudeAgentSdkRuntime({ ..., runsDirectory: join(dataDirectoryOf(store), 'runs') });
 */
export function dataDirectoryOf(store: Pick<StewardStore, 'engine' | 'location'>): string {
  if (store.engine === 'sqlite' && store.location !== ':memory:') return dirname(resolve(store.location));
  return resolve(dirname(defaultSqlitePath));
}

interface ResolvedTarget {
  engine: StoreEngine;
  /** File path for SQLite, connection URL for PostgreSQL. */
  target: string;
}

/** Decides the engine from the config, then `STEWARD_DATABASE_URL`, then the embedded default. */
export function resolveStoreTarget(
  config: StoreConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedTarget {
  if (config.url !== undefined && config.path !== undefined) {
    throw new StewardError('invalid-config', 'store: give either `url` or `path`, not both');
  }
  if (config.path !== undefined) return { engine: 'sqlite', target: config.path };
  const url = config.url ?? env.STEWARD_DATABASE_URL;
  if (url === undefined || url === '') return { engine: 'sqlite', target: defaultSqlitePath };
  if (/^postgres(ql)?:\/\//.test(url)) return { engine: 'postgres', target: url };
  if (url.startsWith('sqlite://')) {
    const path = url.slice('sqlite://'.length);
    return { engine: 'sqlite', target: path === '' ? defaultSqlitePath : path };
  }
  throw new StewardError(
    'invalid-config',
    `store.url (or STEWARD_DATABASE_URL) must start with postgres://, postgresql:// or sqlite://, received "${url.split(':')[0]}:…"`,
  );
}

/**
 * The store's Kysely. `withTables` changes only the type, yet Kysely builds a new instance per call: every
 * primitive of every live agent kept its own copy of the store's connection (eight per agent). Here it
 * returns this one instance, as the same connection seen with more tables.
 */
class StoreKysely<DB> extends Kysely<DB> {
  override withTables<T extends Record<string, Record<string, unknown>>>(): Kysely<DB & T> {
    return this as unknown as Kysely<DB & T>;
  }
}

/**
 * Opens and migrates a store.
 *
 * @example
 * const store = await openStore({ url: process.env.STEWARD_DATABASE_URL });
 */
export async function openStore(
  config: StoreConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<StewardStore> {
  const { engine, target } = resolveStoreTarget(config, env);
  const warnings: string[] = [];
  const sqlite =
    engine === 'sqlite'
      ? createSqliteEngine({
          path: target,
          synchronous: config.synchronous ?? 'normal',
          cacheMb: sqliteCacheMb(config, env),
          onWarning: (message) => warnings.push(message),
        })
      : undefined;
  const dialect = sqlite?.dialect ?? createPostgresDialect({ url: target, poolSize: config.poolSize ?? 10 });
  // Connection failures surface as `store-unavailable` (a 503 that names no server), wherever they happen.
  const db = new StoreKysely<Database>({ dialect: withConnectionFailures(dialect) });
  const latestReader =
    sqlite && target !== ':memory:' ? openLatestReader(target, sqlite.database) : undefined;
  // The checkpoint worker stops first, so the main connection closes last and folds the WAL back in.
  const destroy = async () => {
    latestReader?.close();
    await sqlite?.checkpointer?.stop();
    await db.destroy();
  };
  try {
    await migrate(db, engine);
  } catch (error) {
    await destroy().catch(() => {});
    const where = engine === 'postgres' ? redactPostgresUrl(target) : resolve(target);
    throw new StewardError(
      'store-unavailable',
      `could not open the ${engine} store at ${where}: ${describe(error)}`,
      {
        cause: error,
      },
    );
  }
  const secretKey = loadSecretKey(engine, target, config.encryptionKey ?? env.STEWARD_SECRET_KEY, warnings);
  const cipher = secretKey ? createAesGcmCipher(secretKey) : undefined;
  const location =
    engine === 'postgres' ? redactPostgresUrl(target) : target === ':memory:' ? ':memory:' : resolve(target);
  const migrationNames = Object.keys(await createMigrationProvider(engine).getMigrations()).sort();
  let closed: Promise<void> | undefined;
  const groupWriter = new GroupWriter((work) => writeTransaction(db, engine, work));
  return {
    engine,
    location,
    db,
    warnings,
    interactions: new InteractionRepository(db),
    conversations: new ConversationRepository(db),
    sessions: new SessionTranscriptRepository(db, cipher),
    deriveKey: createKeyDerivation({ db, rootKey: secretKey }),
    ...(cipher ? { secretCipher: cipher } : {}),
    writeTransaction: (work) => writeTransaction(db, engine, work),
    batchWrite: (work) => groupWriter.run(work),
    ping: (options = {}) => pingStore(db, options.timeoutMs),
    pendingMigrations: () => pendingMigrationNames(db, engine, migrationNames),
    ...(engine === 'postgres'
      ? { listen: (channels, handlers, options) => listenPostgres(target, channels, handlers, options) }
      : {}),
    ...(latestReader
      ? {
          prepareLatestRead: (sql: string) => latestReader.prepare(sql),
          prepareLatestRows: (sql: string) => latestReader.prepareRows(sql),
        }
      : {}),
    close() {
      closed ??= destroy();
      return closed;
    },
  };
}

async function writeTransaction<Result>(
  db: Kysely<Database>,
  engine: StoreEngine,
  work: (db: Kysely<Database>) => Promise<Result>,
): Promise<Result> {
  if (engine === 'postgres') return db.transaction().execute(work);
  // Kysely's SQLite transactions begin DEFERRED: two writers that both read first would fail with
  // SQLITE_BUSY_SNAPSHOT. IMMEDIATE takes the write lock up front (waiting up to busy_timeout).
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}

async function migrate(db: Kysely<Database>, engine: StoreEngine): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: createMigrationProvider(engine),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${describe(error)}`, {
      cause: error,
    });
  }
}

/** The store's secret: configured, else `secret.key` beside a SQLite file (made on first use), else none. */
function loadSecretKey(
  engine: StoreEngine,
  target: string,
  key: string | undefined,
  warnings: string[],
): Buffer | undefined {
  if (key) return parseSecretKey(key, 'store.encryptionKey / STEWARD_SECRET_KEY');
  if (engine === 'sqlite' && target !== ':memory:') {
    const keyPath = join(dirname(target), 'secret.key');
    if (!existsSync(keyPath)) {
      writeFileSync(keyPath, `${randomHexKey()}\n`, { mode: 0o600, flag: 'wx' });
    }
    const warning = restrictToOwner(keyPath);
    if (warning) warnings.push(warning);
    return parseSecretKey(readFileSync(keyPath, 'utf8'), keyPath);
  }
  if (engine === 'postgres') {
    warnings.push(
      'session transcripts are stored unencrypted: set STEWARD_SECRET_KEY (the same 32-byte key on every instance) to encrypt them',
      'customer hashes and conversation tokens are keyed with a secret kept in the database itself: set STEWARD_SECRET_KEY (the same 32-byte key on every instance) to keep it out of the database',
    );
  }
  return undefined;
}

function randomHexKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

function describe(error: unknown): string {
  // A connection failure arrives as store-unavailable; the operator starting the server wants the driver's words.
  if (StewardError.isInstance(error) && error.code === 'store-unavailable' && error.cause !== undefined)
    return describe(error.cause);
  return error instanceof Error ? error.message : String(error);
}

/** The SQLite page cache's size: the config's `cacheMb`, else STEWARD_SQLITE_CACHE_MB, else 32 MiB. */
function sqliteCacheMb(config: StoreConfig, env: NodeJS.ProcessEnv): number {
  const raw = config.cacheMb ?? env.STEWARD_SQLITE_CACHE_MB;
  if (raw === undefined || raw === '') return DEFAULT_SQLITE_CACHE_MB;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 4_096) {
    throw new StewardError(
      'invalid-config',
      `store: the SQLite page cache (cacheMb or STEWARD_SQLITE_CACHE_MB) must be a whole number of MiB from 1 to 4096, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}
