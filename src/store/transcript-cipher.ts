/**
 * Encryption of SDK session transcripts at rest (they hold the raw conversation the model needs to
 * resume). AES-256-GCM with a random 96-bit nonce per entry; the stored form is `v1:<nonce>:<tag>:<data>`.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { StewardError } from '../errors/index.js';

export interface TranscriptCipher {
  encrypt(plaintext: string): string;
  decrypt(stored: string): string;
}

/** Reads a 32-byte key written as 64 hex characters or base64. */
export function parseSecretKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new StewardError(
      'invalid-config',
      `${origin} must be a 32-byte key as 64 hex characters or base64 (e.g. \`openssl rand -hex 32\`), got ${key.length} bytes`,
    );
  }
  return key;
}

export function createAesGcmCipher(key: Buffer): TranscriptCipher {
  if (key.length !== 32) throw new StewardError('invalid-config', 'transcript key must be 32 bytes');
  // The key imported once, and nonces drawn 1,024 at a time from the CSPRNG, each 12 bytes used once: a
  // webhook burst seals hundreds of queued messages, and a randomBytes call and key import each cost more
  // than the AES work on a short message.
  const keyObject = createSecretKey(key);
  let nonces = Buffer.alloc(0);
  let nextNonce = 0;
  const freshNonce = (): Buffer => {
    if (nextNonce + 12 > nonces.length) {
      nonces = randomBytes(12 * 1_024);
      nextNonce = 0;
    }
    const nonce = nonces.subarray(nextNonce, nextNonce + 12);
    nextNonce += 12;
    return nonce;
  };
  return {
    encrypt(plaintext) {
      const nonce = freshNonce();
      const cipher = createCipheriv('aes-256-gcm', keyObject, nonce);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `v1:${nonce.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${data.toString('base64')}`;
    },
    decrypt(stored) {
      if (!stored.startsWith('v1:')) return stored; // written before encryption was turned on
      const [, nonce, tag, data] = stored.split(':');
      if (!nonce || !tag || data === undefined)
        throw new StewardError('internal', 'corrupt encrypted transcript entry');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}
