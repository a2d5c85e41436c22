/**
 * The store's change epoch (`api_key_epoch`) as one process reads it on SQLite, shared by every cache the
 * epoch keeps honest: the verified keys (sqlite-change-feed.ts) and the tenants' rows (the registry). A
 * change to a key or a tenant bumps the epoch in its transaction, whichever process makes it. Each read
 * is counted, so a request can ask for the epoch as read after it arrived (`readSince(mark)`, `mark()`
 * taken on arrival) and reuse the read its key check just made instead of reading again.
 */
import type { StewardStore } from '../../store/index.js';
import { epochSql } from './key-rows.js';

export interface EpochWatch {
  /** Reads the epoch now (synchronous, the latest commit of any process). */
  read(): number;
  /** The number of reads so far: take it when a request arrives, for `readSince`. */
  mark(): number;
  /** The epoch of the latest read when one was made after `mark()` returned `mark`, else a read now. */
  readSince(mark: number): number;
}

const watches = new WeakMap<object, EpochWatch | null>();

/** The store's watch; undefined where the epoch has no synchronous read (PostgreSQL, `:memory:`). */
export function epochWatch(store: Pick<StewardStore, 'prepareLatestRead'>): EpochWatch | undefined {
  let watch = watches.get(store);
  if (watch === undefined) {
    watch = store.prepareLatestRead ? createWatch(store.prepareLatestRead(epochSql)) : null;
    watches.set(store, watch);
  }
  return watch ?? undefined;
}

function createWatch(readEpoch: () => unknown): EpochWatch {
  let reads = 0;
  let latest = 0;
  const read = () => {
    latest = Number(readEpoch() ?? 0);
    reads += 1;
    return latest;
  };
  return {
    read,
    mark: () => reads,
    readSince: (mark) => (reads > mark ? latest : read()),
  };
}
