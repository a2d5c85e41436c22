/**
 * PostgreSQL: a key change sends NOTIFY in its transaction (delivered at commit to every instance's
 * dedicated LISTEN connection); each instance drops the key from its cache and confirms on a second
 * channel; the change returns once as many instances confirmed as were listening when it committed
 * (counted in `pg_stat_activity` by application name), or at the deadline. While an instance's LISTEN
 * connection is down it does not use its cache at all, and it empties it on reconnecting.
 * PostgreSQL shows `application_name` of other roles' sessions only to superusers and pg_read_all_stats:
 * run every instance as one role (or grant that), else a change counts, and waits for, fewer instances.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { StewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';
import type { ChangeFeedOptions, KeyChange, KeyChangeFeed } from './change-feed.js';

export const keyChangesChannel = 'steward_api_keys';
export const keyConfirmationsChannel = 'steward_api_keys_ack';
/** The `application_name` of every instance's LISTEN connection: how a change counts the instances. */
export const keyListenerName = 'steward-api-keys';

interface Waiting {
  confirmations: Set<string>;
  expected: number;
  wake: (() => void) | undefined;
}

export async function createPostgresChangeFeed(
  store: StewardStore,
  options: ChangeFeedOptions,
): Promise<KeyChangeFeed> {
  if (!store.listen) throw new StewardError('internal', 'the PostgreSQL key feed needs store.listen');
  const instanceId = randomUUID();
  const timeoutMs = options.propagationTimeoutMs ?? 2_000;
  const waiting = new Map<string, Waiting>();

  const confirm = (changeId: string) =>
    sql`select pg_notify(${keyConfirmationsChannel}, ${`${changeId} ${instanceId}`})`
      .execute(store.db)
      .catch(() => {});

  const listener = await store.listen(
    [keyChangesChannel, keyConfirmationsChannel],
    {
      onNotification(channel, payload) {
        if (channel === keyChangesChannel) {
          const change = parseChange(payload);
          options.onChange(change?.keyId);
          if (change) void confirm(change.changeId);
          return;
        }
        const [changeId, from] = payload.split(' ');
        const entry = changeId === undefined ? undefined : waiting.get(changeId);
        if (entry && from) {
          entry.confirmations.add(from);
          entry.wake?.();
        }
      },
      // Whatever was announced while the connection was down is unknown: drop everything.
      onConnected: () => options.onChange(undefined),
      onDisconnected: () => options.onChange(undefined),
    },
    { applicationName: keyListenerName },
  );

  return {
    cacheUsable: () => listener.connected,
    announce(change) {
      const entry: Waiting = { confirmations: new Set(), expected: 0, wake: undefined };
      waiting.set(change.changeId, entry);
      return {
        async write(db) {
          // Counted inside the transaction: every connection counted here is listening before the commit.
          const counted = await sql<{ listeners: number }>`
            select count(*)::int as listeners from pg_stat_activity
            where datname = current_database() and application_name = ${keyListenerName}`.execute(db);
          entry.expected = Number(counted.rows[0]?.listeners ?? 0);
          await sql`select pg_notify(${keyChangesChannel}, ${JSON.stringify(change)})`.execute(db);
        },
        async settle() {
          try {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, timeoutMs);
              entry.wake = () => {
                if (entry.confirmations.size < entry.expected) return;
                clearTimeout(timer);
                resolve();
              };
              entry.wake();
            });
          } finally {
            waiting.delete(change.changeId);
          }
          return { instances: entry.expected, confirmed: Math.min(entry.confirmations.size, entry.expected) };
        },
        cancel: () => {
          waiting.delete(change.changeId);
        },
      };
    },
    close: () => listener.close(),
  };
}

function parseChange(payload: string): KeyChange | undefined {
  try {
    const parsed = JSON.parse(payload) as Partial<KeyChange>;
    return typeof parsed.changeId === 'string' && typeof parsed.keyId === 'string'
      ? { changeId: parsed.changeId, keyId: parsed.keyId }
      : undefined;
  } catch {
    return undefined;
  }
}
