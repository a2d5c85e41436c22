import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../errors/index.js';
import { DecryptionFailedError } from './decryption-failed-error.js';
import { createEnvKeyProvider } from './env-key-provider.js';
import { keyFingerprint, parseKeyring, parseMasterKey } from './keyring.js';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('parseMasterKey', () => {
  it('reads 64 hex characters, base64 and base64url', () => {
    expect(parseMasterKey(k1.toString('hex'), 'key')).toEqual(k1);
    expect(parseMasterKey(k1.toString('base64'), 'key')).toEqual(k1);
    expect(parseMasterKey(` ${k1.toString('base64url')}\n`, 'key')).toEqual(k1);
    expect(parseMasterKey(new Uint8Array(k1), 'key')).toEqual(k1);
  });

  it.each([
    ['a short key', randomBytes(16).toString('base64'), '16 bytes of base64'],
    ['a long hex key', randomBytes(33).toString('hex'), '66 hex characters'],
    ['an empty string', '  ', 'an empty string'],
    ['a passphrase', 'correct horse battery staple', 'neither hex nor base64'],
  ])('rejects %s with a message naming the origin and how to generate a key', (_, text, received) => {
    const error = thrown(() => parseMasterKey(text, 'STEWARD_AUDIT_KEY'));
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('STEWARD_AUDIT_KEY: expected a 32-byte key');
    expect(message).toContain('openssl rand');
    expect(message).toContain(received);
    if (text.trim() !== '') expect(message).not.toContain(text.trim());
  });
});

describe('parseKeyring', () => {
  it('keeps order (first is current) and derives fingerprints for bare keys', () => {
    const ring = parseKeyring(`k2:${k2.toString('base64')}, ${k1.toString('hex')}`, 'STEWARD_AUDIT_KEY');
    expect(ring.map((entry) => entry.keyId)).toEqual(['k2', keyFingerprint(k1)]);
    expect(keyFingerprint(k1)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyFingerprint(k1)).toBe(keyFingerprint(Buffer.from(k1)));
  });

  it.each([
    [`k2:${k2.toString('base64')},,k1:${k1.toString('base64')}`, 'STEWARD_AUDIT_KEY entry 2: expected a key'],
    [`k 2:${k2.toString('base64')}`, 'STEWARD_AUDIT_KEY id: expected a key id'],
    [`k1:${k2.toString('base64')},k1:${k1.toString('base64')}`, 'key id "k1" twice'],
    [`k2:${k2.toString('base64')},k1:abc`, 'STEWARD_AUDIT_KEY entry 2: expected a 32-byte key'],
  ])('rejects a bad keyring (%#)', (text, message) => {
    expect(() => parseKeyring(text, 'STEWARD_AUDIT_KEY')).toThrow(message);
  });
});

describe('createEnvKeyProvider', () => {
  it('reads STEWARD_AUDIT_KEY from the injected environment, first key current', () => {
    const provider = createEnvKeyProvider({
      environment: { STEWARD_AUDIT_KEY: `k2:${k2.toString('base64')},k1:${k1.toString('base64')}` },
    });
    expect(provider.currentKeyId()).toBe('k2');
    expect(provider.keyIds).toEqual(['k2', 'k1']);
  });

  it('reads another variable when told, and the object form with currentKeyId', () => {
    expect(
      createEnvKeyProvider({
        env: 'AUDIT_KEY',
        environment: { AUDIT_KEY: k1.toString('hex') },
      }).currentKeyId(),
    ).toBe(keyFingerprint(k1));
    const provider = createEnvKeyProvider({ keys: { k1, k2: k2.toString('base64') }, currentKeyId: 'k2' });
    expect(provider.keyIds).toEqual(['k2', 'k1']);
  });

  it('lists every way to supply a key when none is set', () => {
    const error = thrown(() => createEnvKeyProvider({ environment: {} }));
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('STEWARD_AUDIT_KEY');
    expect(message).toContain('an unset variable');
    expect(message).toContain('k2:<new key>,k1:<old key>');
    expect(message).toContain('createEnvKeyProvider({ masterKey })');
  });

  it('rejects ambiguous or inconsistent options', () => {
    expect(() => createEnvKeyProvider({ masterKey: k1, keys: { k2 } })).toThrow('either masterKey or keys');
    expect(() => createEnvKeyProvider({ keys: { k1, k2 } })).toThrow('currentKeyId: expected the id');
    expect(() => createEnvKeyProvider({ keys: { k1 }, currentKeyId: 'k9' })).toThrow('"k9"');
    expect(() => createEnvKeyProvider({ keys: {} })).toThrow('at least one key');
    // @ts-expect-error an unknown option is a typo
    expect(() => createEnvKeyProvider({ masterkey: k1 })).toThrow('unknown option "masterkey"');
  });

  it('wraps and unwraps a data key, bound to its key id', async () => {
    const provider = createEnvKeyProvider({ keys: { k1, k2 }, currentKeyId: 'k1' });
    const dataKey = randomBytes(32);
    const wrapped = await provider.wrapDataKey('k1', dataKey);
    expect(Buffer.from(await provider.unwrapDataKey('k1', wrapped))).toEqual(dataKey);
    await expect(provider.unwrapDataKey('k2', wrapped)).rejects.toMatchObject({
      code: 'decryption-failed',
      reason: 'unwrap-failed',
    });
    const tampered = Buffer.from(wrapped);
    tampered[20] = (tampered[20] ?? 0) ^ 1;
    await expect(provider.unwrapDataKey('k1', tampered)).rejects.toMatchObject({ reason: 'unwrap-failed' });
    await expect(provider.unwrapDataKey('k1', wrapped.slice(1))).rejects.toMatchObject({
      reason: 'unwrap-failed',
    });
  });

  it('names a missing key id and how to keep retired keys', async () => {
    const provider = createEnvKeyProvider({ keys: { k2 } });
    const error = await provider.unwrapDataKey('k1', randomBytes(60)).catch((caught: unknown) => caught);
    expect(DecryptionFailedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'unknown-key', keyId: 'k1', status: 500 });
    expect((error as Error).message).toContain('STEWARD_AUDIT_KEY="<new id>:<new key>,k1:<old key>"');
  });

  it('rotates to a new current key and keeps the old one', async () => {
    const provider = createEnvKeyProvider({ keys: { k1 } });
    const wrapped = await provider.wrapDataKey('k1', randomBytes(32));
    expect(provider.rotate(k2.toString('base64'), 'k2')).toBe('k2');
    expect(provider.currentKeyId()).toBe('k2');
    await expect(provider.unwrapDataKey('k1', wrapped)).resolves.toHaveLength(32);
    expect(() => provider.rotate(randomBytes(32), 'k2')).toThrow('a key id not in the keyring yet');
    expect(provider.rotate(randomBytes(32))).toMatch(/^[0-9a-f]{16}$/);
  });
});
