/** The store seam: one interface over two engines (SQLite embedded, PostgreSQL for scale-out). */
import type { Kysely } from 'kysely';
import type { ConversationRepository } from './conversation-repository.js';
import type { BatchRows } from './group-writer.js';
import type { InteractionRepository } from './interaction-repository.js';
import type { ListenHandlers, ListenOptions, StoreListener } from './postgres/postgres-listener.js';
import type { Database } from './schema.js';
import type { SessionTranscriptRepository } from './session-transcript-repository.js';
import type { TranscriptCipher } from './transcript-cipher.js';

export type StoreEngine = 'sqlite' | 'postgres';

/**
 * Where state lives.
 * - omitted: SQLite at `./.steward/steward.db`, or PostgreSQL when `STEWARD_DATABASE_URL` is set;
 * - `{ url: 'postgres://…' }`: PostgreSQL;
 * - `{ url: 'sqlite:///abs/path.db' }` or `{ path: './data/steward.db' }`: SQLite; `':memory:'` for tests.
 */
export interface StoreConfig {
  url?: string;
  path?: string;
  /** PostgreSQL pool size; default 10. */
  poolSize?: number;
  /** SQLite durability: 'normal' survives a process crash (WAL), 'full' also a power cut; default 'normal'. */
  synchronous?: 'normal' | 'full';
  /**
   * SQLite page cache in MiB (part of the process's RSS once full); default `STEWARD_SQLITE_CACHE_MB`, else 32.
   */
  cacheMb?: number;
  /**
   * 32-byte key (hex or base64) that encrypts session transcripts at rest; default `STEWARD_SECRET_KEY`.
   * Without one, a SQLite file store creates `secret.key` (mode 0600) beside the database; a PostgreSQL
   * store shared by many instances needs the same key on each, so it stores transcripts in plaintext and warns.
   */
  encryptionKey?: string;
}

/** An open, migrated store. */
export interface StewardStore {
  readonly engine: StoreEngine;
  /** A description safe to print (no password). */
  readonly location: string;
  readonly db: Kysely<Database>;
  readonly interactions: InteractionRepository;
  readonly conversations: ConversationRepository;
  readonly sessions: SessionTranscriptRepository;
  /**
   * The 32-byte key of one purpose (`'customer-hash'`, `'conversation-token'`), the same on every
   * instance: HKDF-SHA256 of the store's secret (`encryptionKey`, `STEWARD_SECRET_KEY` or `secret.key`),
   * or of a random root kept in the database when there is none. Changing the secret changes every key.
   */
  deriveKey(purpose: string): Promise<Buffer>;
  /**
   * The store's secret key as a cipher (AES-256-GCM), for other secrets kept at rest (channel bot tokens);
   * absent when the store has no key (a PostgreSQL store without `STEWARD_SECRET_KEY`).
   */
  readonly secretCipher?: TranscriptCipher;
  /** Things the operator should know about this store's setup (printed by `steward serve`). */
  readonly warnings: readonly string[];
  /**
   * Runs `work` in one write transaction. SQLite: `BEGIN IMMEDIATE`, so one writer at a time even across
   * processes on one file; PostgreSQL: a transaction in which callers take row locks (`SELECT … FOR UPDATE`).
   */
  writeTransaction<Result>(work: (db: Kysely<Database>) => Promise<Result>): Promise<Result>;
  /**
   * Runs a small write in a transaction shared with the other writes handed over while the store's group
   * writer is busy or in the same turn of the event loop (group commit); resolves once it committed.
   * `work` must use only the `db` it is given. A failed shared transaction is retried write by write.
   * Rows `work` adds to `rows` are written together, per kind, before the transaction commits
   * (group-writer.ts `RowKind`).
   */
  batchWrite<Result>(work: (db: Kysely<Database>, rows: BatchRows) => Promise<Result>): Promise<Result>;
  /**
   * Resolves once the store answered a trivial query; rejects with `store-unavailable` when it fails or
   * takes longer than `timeoutMs` (default 2,000). Readiness probes call it.
   */
  ping(options?: { timeoutMs?: number }): Promise<void>;
  /**
   * The migrations this version expects that the database has not recorded (empty when current): a
   * database replaced or restored from before an upgrade while the process ran.
   */
  pendingMigrations(): Promise<string[]>;
  /**
   * PostgreSQL only (undefined on SQLite): LISTEN on `channels` over a dedicated connection that
   * reconnects; send with `select pg_notify(channel, payload)` in a transaction (delivered on commit).
   */
  readonly listen?: (
    channels: readonly string[],
    handlers: ListenHandlers,
    options?: ListenOptions,
  ) => Promise<StoreListener>;
  /**
   * SQLite file stores only (undefined on PostgreSQL and `:memory:`): a synchronous read of one value, on
   * the store's own connection while it has no transaction open, else on a dedicated read-only one; each
   * call sees the latest commit of any process and never an uncommitted write of the store's own
   * transactions. For per-request checks the async driver is too slow for (latest-reader.ts).
   */
  readonly prepareLatestRead?: (sql: string) => () => unknown;
  /** As `prepareLatestRead`, for every row of a read with parameters (bound in order); see `compiledLatestRead`. */
  readonly prepareLatestRows?: (sql: string) => (parameters: readonly unknown[]) => unknown[];
  /** Closes the connections; pending writes finish first. */
  close(): Promise<void>;
}
