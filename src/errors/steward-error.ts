/** The one error family of claude-steward: every failure we raise carries a stable code and an HTTP status. */

const marker = Symbol.for('claude-steward.error');

/** Stable error codes, each mapped to the HTTP status an API response uses for it. */
export const errorStatus = {
  'invalid-config': 500,
  'invalid-request': 400,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'not-found': 404,
  'permission-denied': 403,
  /** The tenant is suspended: its agents take no messages until an admin resumes it (nothing is lost). */
  'tenant-suspended': 403,
  /** The request contradicts the current state (e.g. setting the trust of a frozen agent); retry after changing it. */
  conflict: 409,
  /** A conditional write's `If-Match` version is not the current one: someone changed it first; read it again. */
  'precondition-failed': 412,
  /** Too many requests of one caller in a window; `details.retryAfterSeconds` says when to try again. */
  unauthorized: 401,
  'invalid-signature': 401,
  /** Stored ciphertext could not be decrypted: wrong or missing key, tampering, or the wrong context. */
  'decryption-failed': 500,
  /** Stored data failed an integrity check (a hash, count or sequence does not match what was sealed). */
  'integrity-check-failed': 500,
  'budget-exceeded': 402,
  /** Too many requests for this tenant (or, for feedback, this customer) right now; retry after the `Retry-After` seconds. */
  'rate-limited': 429,
  'queue-full': 503,
  'store-unavailable': 503,
  'runtime-failed': 502,
  'runtime-timeout': 504,
  /** The runtime requires the shell sandbox (bubblewrap on Linux) and it cannot run on this host. */
  'sandbox-unavailable': 503,
  aborted: 499,
  'shutting-down': 503,
  internal: 500,
} as const;

export type StewardErrorCode = keyof typeof errorStatus;

export interface StewardErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
}

/**
 * Base class of every error claude-steward throws on purpose.
 *
 * @example
 * try { await agent.handle(message) } catch (error) {
 *   if (StewardError.isInstance(error) && error.code === 'budget-exceeded') { ... }
 * }
 */
export class StewardError extends Error {
  readonly [marker] = true;
  override readonly name: string = 'StewardError';
  readonly code: StewardErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: StewardErrorCode, message: string, options: StewardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = errorStatus[code];
    this.details = options.details ?? {};
  }

  /** True for any StewardError, also one created by another copy of this package. */
  static isInstance(error: unknown): error is StewardError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }

  /** The JSON body an HTTP API returns for this error. */
  toJSON(): { error: { code: StewardErrorCode; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** Wraps anything thrown into a StewardError, keeping StewardErrors as they are. */
export function toStewardError(error: unknown, fallback: StewardErrorCode = 'internal'): StewardError {
  if (StewardError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StewardError(fallback, message, { cause: error });
}
