/** The typed error for an encrypted audit field that cannot be decrypted. */
import { StewardError } from '../../errors/index.js';

/**
 * Why decryption failed: `malformed` (not an envelope this version reads), `unknown-key` (the key
 * id is not in the keyring), `unwrap-failed` (the wrapped data key does not open under that key) or
 * `authentication-failed` (ciphertext, tag or context altered, or the value moved elsewhere).
 */
export type DecryptionFailureReason = 'malformed' | 'unknown-key' | 'unwrap-failed' | 'authentication-failed';

/**
 * An encrypted field could not be decrypted; `reason` says why and `keyId` which key it named.
 *
 * @example
 * try { await cipher.decryptField(stored, 'tenant:acme') } catch (error) {
 *   if (DecryptionFailedError.isInstance(error) && error.reason === 'unknown-key') { ... }
 * }
 */
export class DecryptionFailedError extends StewardError {
  override readonly name = 'DecryptionFailedError';
  readonly reason: DecryptionFailureReason;
  readonly keyId: string | undefined;

  constructor(
    reason: DecryptionFailureReason,
    message: string,
    options: { keyId?: string | undefined; cause?: unknown } = {},
  ) {
    super('decryption-failed', message, {
      cause: options.cause,
      details: { reason, ...(options.keyId === undefined ? {} : { keyId: options.keyId }) },
    });
    this.reason = reason;
    this.keyId = options.keyId;
  }

  static override isInstance(error: unknown): error is DecryptionFailedError {
    return StewardError.isInstance(error) && error.code === 'decryption-failed';
  }
}
