/**
 * PostgreSQL LISTEN on a dedicated connection (a pooled one would drop its LISTEN when released), with
 * reconnects: callers learn when notifications may have been missed, so they can drop what they cached.
 */
import type PgModule from 'pg';
import { lazyRequire } from '../../loading/index.js';

type Pg = typeof PgModule;
// Loaded on first use: a store on SQLite never loads the PostgreSQL driver.
const pg = lazyRequire<Pg>('pg');

export interface ListenHandlers {
  onNotification(channel: string, payload: string): void;
  /** After each (re)connect, once LISTEN is in place: anything sent while disconnected was missed. */
  onConnected?(): void;
  /** The connection was lost; reconnecting is under way. */
  onDisconnected?(error: unknown): void;
}

export interface ListenOptions {
  /** The `application_name` of the connection (visible in `pg_stat_activity`). */
  applicationName?: string;
  /** How often the connection is checked with a query; default 10 s. */
  healthCheckMs?: number;
  /** Longest wait between reconnect attempts; default 5 s. */
  maxBackoffMs?: number;
}

/** A live subscription; `connected` is false while the connection is down (notifications are then missed). */
export interface StoreListener {
  readonly connected: boolean;
  close(): Promise<void>;
}

const firstBackoffMs = 100;

/**
 * Connects, LISTENs on each channel, and resolves after the first attempt (connected or not: it keeps
 * retrying in the background).
 *
 * @example
 * const listener = await listenPostgres(url, ['steward_api_keys'], { onNotification: (channel, payload) => … });
 */
export async function listenPostgres(
  url: string,
  channels: readonly string[],
  handlers: ListenHandlers,
  options: ListenOptions = {},
): Promise<StoreListener> {
  const healthCheckMs = options.healthCheckMs ?? 10_000;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  let client: Pg['Client']['prototype'] | undefined;
  let connected = false;
  let closed = false;
  let backoffMs = firstBackoffMs;
  let retryTimer: NodeJS.Timeout | undefined;
  let healthTimer: NodeJS.Timeout | undefined;

  const lose = (lost: Pg['Client']['prototype'], error: unknown) => {
    if (client !== lost) return;
    client = undefined;
    if (healthTimer) clearInterval(healthTimer);
    const wasConnected = connected;
    connected = false;
    lost.end().catch(() => {});
    if (closed) return;
    if (wasConnected) handlers.onDisconnected?.(error);
    retryTimer = setTimeout(() => void connect(), backoffMs);
    retryTimer.unref();
    backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const next = new (pg().Client)({
      connectionString: url,
      keepAlive: true,
      ...(options.applicationName ? { application_name: options.applicationName } : {}),
    });
    client = next;
    next.on('error', (error) => lose(next, error));
    next.on('end', () => lose(next, new Error('the listening connection ended')));
    next.on('notification', (message) => {
      if (client === next && connected) handlers.onNotification(message.channel, message.payload ?? '');
    });
    try {
      await next.connect();
      for (const channel of channels) await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
    } catch (error) {
      lose(next, error);
      return;
    }
    if (client !== next || closed) return;
    connected = true;
    backoffMs = firstBackoffMs;
    handlers.onConnected?.();
    healthTimer = setInterval(() => {
      const timeout = setTimeout(() => lose(next, new Error('health check timed out')), healthCheckMs);
      next.query('select 1').then(
        () => clearTimeout(timeout),
        (error: unknown) => {
          clearTimeout(timeout);
          lose(next, error);
        },
      );
    }, healthCheckMs);
    healthTimer.unref();
  };

  await connect();
  return {
    get connected() {
      return connected;
    },
    async close() {
      closed = true;
      connected = false;
      if (retryTimer) clearTimeout(retryTimer);
      if (healthTimer) clearInterval(healthTimer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => {});
    },
  };
}
