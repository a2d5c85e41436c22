/**
 * SQLite: every key change bumps `api_key_epoch` in its transaction; each cached key check first reads
 * the epoch and drops the whole cache when it moved, whichever process moved it. The read is synchronous
 * (the store's epoch watch, shared with the tenant cache) when the store has one, else through the driver.
 */
import type { StewardStore } from '../../store/index.js';
import type { ChangeFeedOptions, KeyChangeFeed } from './change-feed.js';
import { epochWatch } from './epoch-watch.js';
import { epochQuery } from './key-rows.js';

export function createSqliteChangeFeed(store: StewardStore, options: ChangeFeedOptions): KeyChangeFeed {
  const watch = epochWatch(store);
  let known: number | undefined;
  const compare = (epoch: number) => {
    if (epoch !== known) {
      options.onChange(undefined);
      known = epoch;
    }
    return true;
  };
  return {
    cacheUsable() {
      if (watch) return compare(watch.read());
      return store.db.executeQuery(epochQuery).then((result) => compare(Number(result.rows[0]?.epoch ?? 0)));
    },
    announce: () => ({
      write: async () => {},
      settle: async () => ({ instances: 0, confirmed: 0 }),
      cancel: () => {},
    }),
    close: async () => {},
  };
}
