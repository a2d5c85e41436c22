import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAesGcmCipher } from './transcript-cipher.js';

describe('createAesGcmCipher', () => {
  it('seals every entry under a nonce of its own across nonce batches, and opens each back', () => {
    const cipher = createAesGcmCipher(randomBytes(32));
    const nonces = new Set<string>();
    for (let index = 0; index < 2_500; index++) {
      const plaintext = `message ${index} ✓`;
      const stored = cipher.encrypt(plaintext);
      const [version, nonce] = stored.split(':');
      expect(version).toBe('v1');
      expect(Buffer.from(nonce ?? '', 'base64')).toHaveLength(12);
      nonces.add(nonce ?? '');
      expect(cipher.decrypt(stored)).toBe(plaintext);
    }
    expect(nonces.size).toBe(2_500);
  });

  it('refuses an entry sealed with another key or altered', () => {
    const cipher = createAesGcmCipher(randomBytes(32));
    const stored = cipher.encrypt('hello');
    expect(() => createAesGcmCipher(randomBytes(32)).decrypt(stored)).toThrow();
    const [version, nonce, tag, data] = stored.split(':');
    const altered = Buffer.from(data ?? '', 'base64');
    altered[0] = (altered[0] ?? 0) ^ 1;
    expect(() => cipher.decrypt([version, nonce, tag, altered.toString('base64')].join(':'))).toThrow();
  });
});
