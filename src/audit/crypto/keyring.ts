/** Reads audit master keys: one 32-byte key (hex or base64) or a keyring `k2:<key>,k1:<key>`, first current. */
import { createHmac } from 'node:crypto';
import { InvalidConfigError } from '../../errors/index.js';
import { KEY_ID_PATTERN } from './key-provider.js';

/** One master key and the id written into the envelopes it protects. */
export interface MasterKeyEntry {
  keyId: string;
  key: Buffer;
}

const HOW_TO_GENERATE = 'generate one with `openssl rand -base64 32` or `openssl rand -hex 32`';
const CONTEXT = 'audit encryption key';

function invalid(path: string, expected: string, received: string): InvalidConfigError {
  return new InvalidConfigError([{ path, expected, received }], CONTEXT);
}

/**
 * Decodes one 32-byte key written as 64 hex characters or as base64 (standard or url-safe); the
 * error names `origin` and never echoes key material.
 *
 * @example parseMasterKey(process.env.STEWARD_AUDIT_KEY ?? '', 'STEWARD_AUDIT_KEY') // Buffer(32)
 */
export function parseMasterKey(value: string | Uint8Array, origin: string): Buffer {
  const expected = `a 32-byte key as 64 hex characters or base64 (${HOW_TO_GENERATE})`;
  if (typeof value !== 'string') {
    if (value.length !== 32) throw invalid(origin, expected, `${value.length} bytes`);
    return Buffer.from(value);
  }
  const text = value.trim();
  if (text === '') throw invalid(origin, expected, 'an empty string');
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    throw invalid(origin, expected, `${text.length} characters that are neither hex nor base64`);
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) {
    const hex = /^[0-9a-fA-F]+$/.test(text);
    throw invalid(origin, expected, hex ? `${text.length} hex characters` : `${key.length} bytes of base64`);
  }
  return key;
}

/**
 * A short stable id for a key that was given without one: 16 hex characters of an HMAC keyed by
 * the key itself, so it reveals nothing about the key yet stays the same across restarts.
 *
 * @example keyFingerprint(key) // 'c0ffee12ab34cd56'
 */
export function keyFingerprint(key: Uint8Array): string {
  return createHmac('sha256', key).update('claude-steward audit key id').digest('hex').slice(0, 16);
}

/** Checks a key id given by an operator or a provider, naming where it came from. */
export function assertKeyId(keyId: string, origin: string): string {
  if (!KEY_ID_PATTERN.test(keyId)) {
    throw invalid(
      origin,
      'a key id of 1 to 64 letters, digits, "_", "." or "-"',
      JSON.stringify(keyId.slice(0, 80)),
    );
  }
  return keyId;
}

/**
 * Parses a keyring string: comma-separated entries, each `id:key` or a bare key (then its id is
 * its fingerprint). The first entry is the current key; the others stay readable after rotation.
 *
 * @example
 * parseKeyring('k2:3q2+7w…=,k1:Zm9v…=', 'STEWARD_AUDIT_KEY') // [{ keyId: 'k2', … }, { keyId: 'k1', … }]
 */
export function parseKeyring(text: string, origin: string): MasterKeyEntry[] {
  const entries = text.split(',').map((entry) => entry.trim());
  const ring: MasterKeyEntry[] = [];
  entries.forEach((entry, index) => {
    const where = entries.length === 1 ? origin : `${origin} entry ${index + 1}`;
    if (entry === '') {
      throw invalid(where, 'a key, or `id:key`; separate keyring entries with single commas', 'nothing');
    }
    const separator = entry.indexOf(':');
    const key = parseMasterKey(separator === -1 ? entry : entry.slice(separator + 1), where);
    const keyId =
      separator === -1 ? keyFingerprint(key) : assertKeyId(entry.slice(0, separator).trim(), `${where} id`);
    ring.push({ keyId, key });
  });
  return assertUniqueIds(ring, origin);
}

/**
 * Builds a keyring from the object form `{ k2: key, k1: key }`; `currentKeyId` picks the current
 * key, and may be left out only when there is one key.
 *
 * @example parseKeyObject({ k1: oldKey, k2: newKey }, 'k2', 'keys') // k2 first
 */
export function parseKeyObject(
  keys: Record<string, string | Uint8Array>,
  currentKeyId: string | undefined,
  origin: string,
): MasterKeyEntry[] {
  const ring = Object.entries(keys).map(([keyId, key]) => ({
    keyId: assertKeyId(keyId, `${origin}.${keyId}`),
    key: parseMasterKey(key, `${origin}.${keyId}`),
  }));
  if (ring.length === 0) throw invalid(origin, 'at least one key', 'an empty object');
  if (currentKeyId === undefined) {
    if (ring.length > 1) {
      throw invalid('currentKeyId', `the id of the current key, one of ${listIds(ring)}`, 'nothing');
    }
    return ring;
  }
  return putFirst(ring, currentKeyId);
}

/** Moves `currentKeyId` to the front of the ring, or says it is not there. */
export function putFirst(ring: MasterKeyEntry[], currentKeyId: string): MasterKeyEntry[] {
  const current = ring.find((entry) => entry.keyId === currentKeyId);
  if (!current) {
    throw invalid(
      'currentKeyId',
      `one of the configured key ids ${listIds(ring)}`,
      JSON.stringify(currentKeyId),
    );
  }
  return [current, ...ring.filter((entry) => entry !== current)];
}

function assertUniqueIds(ring: MasterKeyEntry[], origin: string): MasterKeyEntry[] {
  const seen = new Set<string>();
  for (const entry of ring) {
    if (seen.has(entry.keyId)) {
      throw invalid(origin, 'each key id once (give the new key a new id)', `key id "${entry.keyId}" twice`);
    }
    seen.add(entry.keyId);
  }
  return ring;
}

function listIds(ring: MasterKeyEntry[]): string {
  return ring.map((entry) => `"${entry.keyId}"`).join(', ');
}
