/** Picks the key change feed for the store's engine. */
import type { StewardStore } from '../../store/index.js';
import type { ChangeFeedOptions, KeyChangeFeed } from './change-feed.js';
import { createPostgresChangeFeed } from './postgres-change-feed.js';
import { createSqliteChangeFeed } from './sqlite-change-feed.js';

/** PostgreSQL stores get LISTEN/NOTIFY, SQLite stores the epoch check. */
export async function openChangeFeed(
  store: StewardStore,
  options: ChangeFeedOptions,
): Promise<KeyChangeFeed> {
  if (store.listen) return createPostgresChangeFeed(store, options);
  return createSqliteChangeFeed(store, options);
}
