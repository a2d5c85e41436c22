/**
 * API key tokens: `stw_<publicId>_<secret>`. The public id finds the row; the 256-bit secret is shown
 * once and only its SHA-256 (bound to the id) is stored, so a stored row opens nothing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `stw_` + 12 characters of [0-9a-z] + `_` + 43 characters of base64url (32 random bytes). */
const tokenPattern = /^stw_([0-9a-z]{12})_([A-Za-z0-9_-]{43})$/;
const publicIdAlphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
const publicIdLength = 12;
const secretBytes = 32;
const hashDomain = 'steward-api-key:v1:';

/** A token split into its parts. */
export interface ParsedToken {
  publicId: string;
  secret: string;
}

/** A new token and what is stored of it. */
export interface IssuedToken {
  publicId: string;
  /** The whole token, shown once. */
  token: string;
  /** Hex SHA-256 of the secret bound to the public id: the only part that is stored. */
  secretHash: string;
}

/** Random bytes; injectable so tests can make the id collide. */
export type RandomBytes = (size: number) => Buffer;

/**
 * @example
 * const { publicId, token, secretHash } = issueToken();
 * // token: stw_3k9x0c1m2a7q_Vq5…  (63 characters)
 */
export function issueToken(random: RandomBytes = randomBytes): IssuedToken {
  const publicId = randomPublicId(random);
  const secret = random(secretBytes).toString('base64url');
  return { publicId, token: `stw_${publicId}_${secret}`, secretHash: hashSecret(publicId, secret) };
}

/** The parts of a well-formed token, or undefined (anything else: an env admin token, garbage). */
export function parseToken(token: string): ParsedToken | undefined {
  const match = tokenPattern.exec(token);
  return match ? { publicId: match[1]!, secret: match[2]! } : undefined;
}

/** Hex SHA-256 of the secret, with the public id inside, so a hash copied to another row opens nothing. */
export function hashSecret(publicId: string, secret: string): string {
  return createHash('sha256').update(`${hashDomain}${publicId}:${secret}`, 'utf8').digest('hex');
}

/** True when `secret` hashes to `storedHash` (hex, or its bytes); compares in constant time. */
export function secretMatches(publicId: string, secret: string, storedHash: string | Buffer): boolean {
  const computed = createHash('sha256').update(`${hashDomain}${publicId}:${secret}`, 'utf8').digest();
  const stored = typeof storedHash === 'string' ? Buffer.from(storedHash, 'hex') : storedHash;
  return stored.length === computed.length && timingSafeEqual(computed, stored);
}

/** Equal in constant time whatever the lengths (both sides hashed first): for the env admin tokens. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function randomPublicId(random: RandomBytes): string {
  // 36 does not divide 256: bytes at or above 252 are redrawn so every character is equally likely.
  let id = '';
  while (id.length < publicIdLength) {
    for (const byte of random(publicIdLength * 2)) {
      if (byte < 252 && id.length < publicIdLength) id += publicIdAlphabet[byte % 36];
    }
  }
  return id;
}
