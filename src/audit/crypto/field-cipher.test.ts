import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEnvKeyProvider } from './env-key-provider.js';
import { type FieldEnvelope, formatEnvelope, isEncryptedField, parseEnvelope } from './envelope.js';
import { createFieldCipher } from './field-cipher.js';
import type { KeyProvider } from './key-provider.js';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');

/** Counts the provider's calls, to show data keys are cached rather than wrapped per value. */
function counting(provider: KeyProvider) {
  const calls = { wrap: 0, unwrap: 0 };
  const counted: KeyProvider = {
    currentKeyId: () => provider.currentKeyId(),
    wrapDataKey: (keyId, dataKey) => {
      calls.wrap++;
      return provider.wrapDataKey(keyId, dataKey);
    },
    unwrapDataKey: (keyId, wrapped) => {
      calls.unwrap++;
      return provider.unwrapDataKey(keyId, wrapped);
    },
  };
  return { calls, provider: counted };
}

/** Flips one bit in one base64url part of an envelope. */
function flip(stored: string, part: 'wdk' | 'iv' | 'tag' | 'ct'): string {
  const envelope = parseEnvelope(stored);
  const bytes = Buffer.from(envelope[part], 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return formatEnvelope({ ...envelope, [part]: bytes.toString('base64url') });
}

describe('createFieldCipher', () => {
  it('round-trips a field through the compact and the object form', async () => {
    const cipher = createFieldCipher({ keyProvider: createEnvKeyProvider({ keys: { k1 } }) });
    const stored = await cipher.encryptField('card ends 4242', 'tenant:acme');
    expect(stored).toMatch(/^enc:v1:k1:t:[\w-]+:[\w-]{16}:[\w-]{22}:[\w-]+$/);
    expect(stored).not.toContain('4242');
    expect(await cipher.decryptField(stored, 'tenant:acme')).toBe('card ends 4242');
    const envelope: FieldEnvelope = parseEnvelope(stored);
    expect(envelope).toMatchObject({ v: 1, alg: 'A256GCM', kid: 'k1' });
    expect(await cipher.decryptField(envelope, 'tenant:acme')).toBe('card ends 4242');
    expect(await cipher.encryptField('')).not.toBe(await cipher.encryptField(''));
    expect(await cipher.decryptField(await cipher.encryptField(''))).toBe('');
  });

  it('wraps one data key per key id and reuses it, also across cipher instances for reading', async () => {
    const { calls, provider } = counting(createEnvKeyProvider({ keys: { k1 } }));
    const cipher = createFieldCipher({ keyProvider: provider });
    const values = await Promise.all(
      Array.from({ length: 20 }, (_, index) => cipher.encryptField(`v${index}`)),
    );
    expect(calls.wrap).toBe(1);
    expect(new Set(values.map((value) => parseEnvelope(value).wdk)).size).toBe(1);
    await Promise.all(values.map((value) => cipher.decryptField(value)));
    expect(calls.unwrap).toBe(0);
    const reader = createFieldCipher({ keyProvider: provider });
    await Promise.all(values.map((value) => reader.decryptField(value)));
    expect(calls.unwrap).toBe(1);
  });

  it('starts a new data key after dataKeyMaxUses encryptions', async () => {
    const { calls, provider } = counting(createEnvKeyProvider({ keys: { k1 } }));
    const cipher = createFieldCipher({ keyProvider: provider, dataKeyMaxUses: 2 });
    for (let index = 0; index < 5; index++) await cipher.encryptField('x');
    expect(calls.wrap).toBe(3);
  });

  it('rotates: values from k1 and k2 both decrypt, new values use k2, nothing is rewritten', async () => {
    const keys = createEnvKeyProvider({ keys: { k1 } });
    const cipher = createFieldCipher({ keyProvider: keys });
    const old = await cipher.encryptField('before', 'a');
    keys.rotate(k2, 'k2');
    const fresh = await cipher.encryptField('after', 'a');
    expect(parseEnvelope(old).kid).toBe('k1');
    expect(parseEnvelope(fresh).kid).toBe('k2');
    expect(await cipher.decryptField(old, 'a')).toBe('before');
    expect(await cipher.decryptField(fresh, 'a')).toBe('after');

    // After a restart with the keyring in the environment, the same holds.
    const restarted = createFieldCipher({
      keyProvider: createEnvKeyProvider({ environment: { STEWARD_AUDIT_KEY: `k2:${k2},k1:${k1}` } }),
    });
    expect(await restarted.decryptField(old, 'a')).toBe('before');
    expect(await restarted.decryptField(fresh, 'a')).toBe('after');
    expect(parseEnvelope(await restarted.encryptField('later')).kid).toBe('k2');
  });

  it('rotate() starts a new data key under the current master key', async () => {
    const { calls, provider } = counting(createEnvKeyProvider({ keys: { k1 } }));
    const cipher = createFieldCipher({ keyProvider: provider });
    const first = await cipher.encryptField('one');
    expect(await cipher.rotate()).toBe('k1');
    const second = await cipher.encryptField('two');
    expect(calls.wrap).toBe(2);
    expect(parseEnvelope(first).wdk).not.toBe(parseEnvelope(second).wdk);
    expect(await cipher.decryptField(first)).toBe('one');
  });

  it.each(['wdk', 'iv', 'tag', 'ct'] as const)('detects a tampered %s', async (part) => {
    const cipher = createFieldCipher({ keyProvider: createEnvKeyProvider({ keys: { k1 } }) });
    const stored = await cipher.encryptField('secret', 'ctx');
    const reason = part === 'wdk' ? 'unwrap-failed' : 'authentication-failed';
    await expect(cipher.decryptField(flip(stored, part), 'ctx')).rejects.toMatchObject({
      name: 'DecryptionFailedError',
      code: 'decryption-failed',
      reason,
      keyId: 'k1',
    });
  });

  it('detects a swapped content type, key id and a value from another context', async () => {
    const cipher = createFieldCipher({
      keyProvider: createEnvKeyProvider({ keys: { k1, k2 }, currentKeyId: 'k1' }),
    });
    const stored = await cipher.encryptField('42', 'tenant:acme/text');
    const envelope = parseEnvelope(stored);
    await expect(cipher.decryptField({ ...envelope, cty: 'json' }, 'tenant:acme/text')).rejects.toMatchObject(
      {
        reason: 'authentication-failed',
      },
    );
    await expect(cipher.decryptField({ ...envelope, kid: 'k2' }, 'tenant:acme/text')).rejects.toMatchObject({
      reason: 'unwrap-failed',
    });
    await expect(cipher.decryptField(stored, 'tenant:other/text')).rejects.toThrow(
      /does not authenticate.*moved from another field, record or tenant/,
    );
    await expect(cipher.decryptField(stored)).rejects.toMatchObject({ reason: 'authentication-failed' });
  });

  it('fails with unknown-key for a key id missing from the keyring, and with a wrong key', async () => {
    const writer = createFieldCipher({ keyProvider: createEnvKeyProvider({ keys: { k1 } }) });
    const stored = await writer.encryptField('secret');
    const without = createFieldCipher({ keyProvider: createEnvKeyProvider({ keys: { k2 } }) });
    await expect(without.decryptField(stored)).rejects.toMatchObject({ reason: 'unknown-key', keyId: 'k1' });
    const wrongKey = createFieldCipher({ keyProvider: createEnvKeyProvider({ keys: { k1: k2 } }) });
    await expect(wrongKey.decryptField(stored)).rejects.toMatchObject({
      reason: 'unwrap-failed',
      keyId: 'k1',
    });
  });

  it.each([
    ['plain text', 'hello'],
    ['too few parts', 'enc:v1:k1:t:abc'],
    ['a bad content type', 'enc:v1:k1:x:a:b:c:d'],
    ['a short iv', `enc:v1:k1:t:AAAA:AAAA:${'A'.repeat(22)}:`],
    ['a bad key id', `enc:v1:k/1:t:AAAA:${'A'.repeat(16)}:${'A'.repeat(22)}:`],
  ])('rejects a malformed envelope: %s', async (_, text) => {
    const cipher = createFieldCipher({ keyProvider: createEnvKeyProvider({ keys: { k1 } }) });
    await expect(cipher.decryptField(text)).rejects.toMatchObject({ reason: 'malformed' });
  });

  it('refuses a provider whose key id cannot be written into an envelope', async () => {
    const keys = createEnvKeyProvider({ keys: { k1 } });
    const cipher = createFieldCipher({ keyProvider: { ...keys, currentKeyId: () => 'kms:alias/audit' } });
    await expect(cipher.encryptField('x')).rejects.toThrow('keyProvider.currentKeyId()');
    // @ts-expect-error not a provider
    expect(() => createFieldCipher({ keyProvider: {} })).toThrow('a KeyProvider');
  });

  it('round-trips arbitrary unicode strings and contexts', async () => {
    const cipher = createFieldCipher({ keyProvider: createEnvKeyProvider({ keys: { k1 } }) });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), async (text, aad) => {
        const stored = await cipher.encryptField(text, aad);
        expect(isEncryptedField(stored)).toBe(true);
        expect(await cipher.decryptField(stored, aad)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});
