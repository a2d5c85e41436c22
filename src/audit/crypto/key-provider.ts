/** The seam between field encryption and whatever holds the master keys (environment, a KMS). */

/**
 * Wraps and unwraps data keys under master keys it never hands out. A KMS implementation maps
 * these to its encrypt/decrypt calls; `createEnvKeyProvider` keeps master keys in process memory.
 * Key ids must match `[A-Za-z0-9_.-]{1,64}` because they are written into every envelope.
 *
 * @example
 * const kms: KeyProvider = {
 *   currentKeyId: () => 'kms-2025',
 *   wrapDataKey: async (keyId, dataKey) => kmsEncrypt(keyId, dataKey),
 *   unwrapDataKey: async (keyId, wrapped) => kmsDecrypt(keyId, wrapped),
 * };
 */
export interface KeyProvider {
  /** The key new data keys are wrapped with; when it changes, new values use the new key. */
  currentKeyId(): string | Promise<string>;
  /** Encrypts a 32-byte data key under the master key `keyId`. */
  wrapDataKey(keyId: string, dataKey: Uint8Array): Promise<Uint8Array>;
  /**
   * Returns the data key inside `wrapped`. Throws a `DecryptionFailedError` with reason
   * `unknown-key` when `keyId` is not held, `unwrap-failed` when `wrapped` does not open.
   */
  unwrapDataKey(keyId: string, wrapped: Uint8Array): Promise<Uint8Array>;
}

/** What a key id may look like: short, and free of the `:` that separates envelope parts. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
