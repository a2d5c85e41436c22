/**
 * SQLite: every key change bumps `api_key_epoch` in its transaction; each cached key check first reads
 * the epoch (one indexed row, a few µs) and drops the whole cache when it moved, whichever process moved it.
 */
import type { StewardStore } from '../../store/index.js';
import type { ChangeFeedOptions, KeyChangeFeed } from './change-feed.js';
import { compileEpochQuery, keyTables } from './key-rows.js';

export function createSqliteChangeFeed(store: StewardStore, options: ChangeFeedOptions): KeyChangeFeed {
  const epochQuery = compileEpochQuery(keyTables(store.db));
  let known: number | undefined;
  return {
    async cacheUsable() {
      const result = await store.db.executeQuery(epochQuery);
      const epoch = Number(result.rows[0]?.epoch ?? 0);
      if (epoch !== known) {
        options.onChange(undefined);
        known = epoch;
      }
      return true;
    },
    announce: () => ({
      write: async () => {},
      settle: async () => ({ instances: 0, confirmed: 0 }),
      cancel: () => {},
    }),
    close: async () => {},
  };
}
