/**
 * How every instance learns of a key change at once, so a cache of verified keys never outlives a
 * revocation. SQLite (one machine, maybe several processes): a per-request read of the epoch row every
 * change bumps. PostgreSQL (many machines): LISTEN/NOTIFY, and the change waits for each listening
 * instance to confirm it dropped the key.
 */
import type { Kysely } from 'kysely';
import type { KeyTables } from './key-rows.js';

/** One key change, as announced to the other instances. */
export interface KeyChange {
  /** Unique per change; the instances' confirmations name it. */
  changeId: string;
  keyId: string;
}

/** How far a change reached: listening instances, and how many confirmed before the deadline. */
export interface Propagation {
  instances: number;
  confirmed: number;
}

/** A change on its way: written in the change's transaction, settled after the commit. */
export interface PendingAnnouncement {
  /** Inside the write transaction (the epoch itself is bumped by the row queries). */
  write(db: Kysely<KeyTables>): Promise<void>;
  /** After the commit: resolves once every instance dropped the key, or at the deadline. */
  settle(): Promise<Propagation>;
  /** The transaction failed: nothing to wait for. */
  cancel(): void;
}

export interface KeyChangeFeed {
  /**
   * Asked before each use of the cache; false means the cache must not be used now (PostgreSQL: the
   * listening connection is down). May call `onChange` first (SQLite: the epoch moved).
   */
  cacheUsable(): boolean | Promise<boolean>;
  announce(change: KeyChange): PendingAnnouncement;
  close(): Promise<void>;
}

export interface ChangeFeedOptions {
  /** Drop the cached copy of `keyId`, or of every key when undefined. */
  onChange(keyId: string | undefined): void;
  /** PostgreSQL: how long a change waits for the instances' confirmations; default 2,000 ms. */
  propagationTimeoutMs?: number;
}
