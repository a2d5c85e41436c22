/** Tells a lost or refused database connection from other failures, on both engines, and names it `store-unavailable`. */
import { StewardError } from '../errors/index.js';

/** The message every `store-unavailable` raised by the store carries: no host, port, database or driver text. */
export const STORE_UNAVAILABLE_MESSAGE = 'the store is unavailable; retry shortly';

/** Socket errors of a connection that could not be made or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * PostgreSQL SQLSTATEs of a server that is going away or not accepting sessions: admin_shutdown,
 * crash_shutdown, cannot_connect_now, too_many_connections. Class 08 (connection exception) is matched
 * by its prefix.
 */
const POSTGRES_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** SQLite result codes (and their extended forms, e.g. `SQLITE_IOERR_SHORT_READ`) of a file that cannot be used now. */
const SQLITE_PREFIXES = ['SQLITE_BUSY', 'SQLITE_CANTOPEN', 'SQLITE_IOERR'];

/** What `pg`, `pg-pool` and Kysely's driver throw, without a code, when a connection is lost or cannot be had. */
const CONNECTION_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Postgres connection has been discarded',
];

/** How deep `cause` and `AggregateError.errors` are followed. */
const MAX_DEPTH = 5;

/**
 * True when `error` (or its `cause`, or one of an AggregateError's errors) is a database connection
 * failure: the server is down, unreachable, restarting or out of connections, or the SQLite file is
 * busy or unreadable. Query errors (syntax, constraints, deadlocks) are not.
 *
 * @example isConnectionFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) // true
 */
export function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || POSTGRES_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    if (SQLITE_PREFIXES.some((prefix) => code.startsWith(prefix))) return true;
  }
  if (typeof message === 'string' && CONNECTION_MESSAGES.some((known) => message.startsWith(known)))
    return true;
  if (Array.isArray(errors) && errors.some((inner) => isConnectionFailure(inner, depth + 1))) return true;
  return isConnectionFailure(cause, depth + 1);
}

/**
 * The `store-unavailable` error for a connection failure; the driver's error (which names the host,
 * port and database) stays in `cause`, for logs only.
 */
export function storeUnavailableError(cause: unknown): StewardError {
  return new StewardError('store-unavailable', STORE_UNAVAILABLE_MESSAGE, { cause });
}

/** A connection failure as `store-unavailable`; anything else unchanged. */
export function mapConnectionFailure(error: unknown): unknown {
  if (StewardError.isInstance(error) || !isConnectionFailure(error)) return error;
  return storeUnavailableError(error);
}
