/** Channel secrets at rest: sealed with the store's secret key; a store without one refuses to keep them. */
import { StewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';

export interface SecretBox {
  seal(value: Record<string, string>): string;
  open(stored: string): Record<string, string>;
}

export function secretBoxOf(store: Pick<StewardStore, 'secretCipher'>): SecretBox {
  const cipher = store.secretCipher;
  return {
    seal(value) {
      if (!cipher) {
        throw new StewardError(
          'invalid-config',
          'channel secrets (bot tokens) are stored encrypted and this store has no secret key: set store.encryptionKey or STEWARD_SECRET_KEY (the same 32-byte key on every instance, e.g. `openssl rand -hex 32`)',
        );
      }
      return cipher.encrypt(JSON.stringify(value));
    },
    open(stored) {
      if (!cipher) {
        throw new StewardError(
          'decryption-failed',
          'a channel secret is stored encrypted and this store has no secret key: set store.encryptionKey or STEWARD_SECRET_KEY',
        );
      }
      try {
        return JSON.parse(cipher.decrypt(stored)) as Record<string, string>;
      } catch (error) {
        throw new StewardError(
          'decryption-failed',
          'a channel secret could not be decrypted with this store key',
          {
            cause: error,
          },
        );
      }
    },
  };
}

/** Message bodies in the queue: encrypted when the store has a key, else as they are. */
export function messageBoxOf(store: Pick<StewardStore, 'secretCipher'>): {
  seal(text: string): string;
  open(stored: string): string;
} {
  const cipher = store.secretCipher;
  return {
    seal: (text) => (cipher ? cipher.encrypt(text) : text),
    open: (stored) => (cipher ? cipher.decrypt(stored) : stored),
  };
}
