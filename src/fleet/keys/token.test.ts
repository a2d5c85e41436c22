import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSecret, issueToken, parseToken, sameSecret, secretMatches } from './token.js';

describe('API key tokens', () => {
  it('look like stw_<12 id characters>_<43 base64url characters> and parse back into their parts', () => {
    const issued = issueToken();
    expect(issued.token).toMatch(/^stw_[0-9a-z]{12}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseToken(issued.token);
    expect(parsed?.publicId).toBe(issued.publicId);
    expect(issued.token).toBe(`stw_${parsed!.publicId}_${parsed!.secret}`);
    // 43 base64url characters are 32 bytes: a 256-bit secret.
    expect(Buffer.from(parsed!.secret, 'base64url')).toHaveLength(32);
  });

  it('are never alike, and only the hash of the secret is meant to be stored', () => {
    const issued = Array.from({ length: 200 }, () => issueToken());
    expect(new Set(issued.map((token) => token.publicId)).size).toBe(200);
    expect(new Set(issued.map((token) => token.token)).size).toBe(200);
    for (const { token, secretHash, publicId } of issued.slice(0, 20)) {
      const { secret } = parseToken(token)!;
      expect(secretHash).toMatch(/^[0-9a-f]{64}$/);
      expect(secretHash).not.toContain(secret);
      expect(secretHash).toBe(hashSecret(publicId, secret));
      // The stored hash is not a plain SHA-256 of the token or of the secret (domain and id are inside).
      expect(secretHash).not.toBe(createHash('sha256').update(token).digest('hex'));
      expect(secretHash).not.toBe(createHash('sha256').update(secret).digest('hex'));
    }
  });

  it('draw every id character evenly from the random bytes (bytes 252-255 are redrawn)', () => {
    let call = 0;
    const random = (size: number) => {
      call++;
      // First draw: all 255 (rejected); then a run through 0..251.
      return Buffer.from(
        Array.from({ length: size }, (_, index) => (call === 1 ? 255 : (index * 7 + call) % 252)),
      );
    };
    const issued = issueToken(random);
    expect(issued.publicId).toMatch(/^[0-9a-z]{12}$/);
    // The first draw (all 255) gave nothing; the second's bytes 2, 9, 16 … map to 2, 9, g …
    expect(issued.publicId.slice(0, 3)).toBe('29g');
  });

  it('refuse anything that is not exactly a key token', () => {
    const { token } = issueToken();
    for (const bad of [
      '',
      'stw_',
      token.slice(0, -1),
      `${token}x`,
      token.replace('stw_', 'STW_'),
      token.toUpperCase(),
      ` ${token}`,
      'a-long-admin-token-from-the-environment',
    ]) {
      expect(parseToken(bad), bad).toBeUndefined();
    }
  });

  it('match only the secret of their own id: a hash copied to another id opens nothing', () => {
    const first = issueToken();
    const second = issueToken();
    const firstParts = parseToken(first.token)!;
    expect(secretMatches(first.publicId, firstParts.secret, first.secretHash)).toBe(true);
    expect(secretMatches(first.publicId, firstParts.secret, Buffer.from(first.secretHash, 'hex'))).toBe(true);
    expect(secretMatches(second.publicId, firstParts.secret, first.secretHash)).toBe(false);
    expect(secretMatches(first.publicId, parseToken(second.token)!.secret, first.secretHash)).toBe(false);
    // The hash itself, presented as a secret, is refused too.
    expect(secretMatches(first.publicId, first.secretHash, first.secretHash)).toBe(false);
    expect(secretMatches(first.publicId, firstParts.secret, 'not hex')).toBe(false);
  });

  it('compare admin tokens whatever their lengths', () => {
    expect(sameSecret('a-long-admin-token', 'a-long-admin-token')).toBe(true);
    expect(sameSecret('a-long-admin-token', 'a-long-admin-token!')).toBe(false);
    expect(sameSecret('', 'a-long-admin-token')).toBe(false);
  });
});
