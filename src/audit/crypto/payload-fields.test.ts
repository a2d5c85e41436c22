import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEnvKeyProvider } from './env-key-provider.js';
import { isEncryptedField } from './envelope.js';
import { createFieldCipher } from './field-cipher.js';

const cipher = createFieldCipher({ keyProvider: createEnvKeyProvider({ keys: { k1: randomBytes(32) } }) });

const interaction = {
  id: 'i-1',
  tenantId: 'acme',
  text: 'my card is 4242 4242 4242 4242',
  replyText: 'noted',
  costUsd: 0.01,
  toolCalls: [
    { toolName: 'Write', input: { file_path: 'a.txt', content: 'secret' }, output: 'ok' },
    { toolName: 'Read', input: 'notes.md', output: null },
  ],
  nested: { deep: { output: ['x', 1] } },
};

describe('encryptFields / decryptFields', () => {
  it('encrypts the listed fields, leaves the rest, and restores strings and JSON values', async () => {
    const paths = ['text', 'replyText', 'toolCalls.*.input', '**.output'];
    const sealed = (await cipher.encryptFields(interaction, paths, {
      aad: 'tenant:acme',
    })) as typeof interaction;
    expect(sealed.id).toBe('i-1');
    expect(sealed.costUsd).toBe(0.01);
    expect(sealed.toolCalls[0]?.toolName).toBe('Write');
    for (const value of [
      sealed.text,
      sealed.replyText,
      sealed.toolCalls[0]?.input,
      sealed.toolCalls[0]?.output,
      sealed.toolCalls[1]?.input,
      sealed.toolCalls[1]?.output,
      sealed.nested.deep.output,
    ]) {
      expect(isEncryptedField(value)).toBe(true);
    }
    expect(JSON.stringify(sealed)).not.toContain('4242');
    expect(JSON.stringify(sealed)).not.toContain('secret');
    expect(interaction.text).toContain('4242'); // the caller's object is untouched
    expect(await cipher.decryptFields(sealed, { aad: 'tenant:acme' })).toEqual(interaction);
  });

  it('does not encrypt twice, and skips undefined values', async () => {
    const once = await cipher.encryptFields({ text: 'a', missing: undefined }, ['text', 'missing']);
    const twice = await cipher.encryptFields(once, ['text']);
    expect(twice).toEqual(once);
    expect(await cipher.decryptFields(twice)).toEqual({ text: 'a', missing: undefined });
  });

  it('binds each value to its path and context: moved values fail', async () => {
    const sealed = (await cipher.encryptFields({ text: 'a', replyText: 'b' }, ['text', 'replyText'], {
      aad: 'tenant:acme',
    })) as { text: string; replyText: string };
    const swapped = { text: sealed.replyText, replyText: sealed.text };
    await expect(cipher.decryptFields(swapped, { aad: 'tenant:acme' })).rejects.toMatchObject({
      reason: 'authentication-failed',
    });
    await expect(cipher.decryptFields(sealed, { aad: 'tenant:globex' })).rejects.toMatchObject({
      code: 'decryption-failed',
    });
  });

  it('keeps a __proto__ key a plain key', async () => {
    const payload = JSON.parse('{"__proto__": {"text": "x"}, "text": "y"}') as unknown;
    const sealed = await cipher.encryptFields(payload, ['**.text']);
    expect(Object.getPrototypeOf(sealed)).toBe(Object.prototype);
    expect(await cipher.decryptFields(sealed)).toEqual(payload);
  });

  it('round-trips arbitrary JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.string(), async (value, text) => {
        const payload = { text, input: value, other: value };
        const sealed = await cipher.encryptFields(payload, ['text', 'input']);
        expect(isEncryptedField((sealed as { input: unknown }).input)).toBe(true);
        // Encrypted fields come back through JSON (so -0 becomes 0); the others are copied as they are.
        const input: unknown = JSON.parse(JSON.stringify(value));
        expect(await cipher.decryptFields(sealed)).toEqual({ text, input, other: value });
      }),
      { numRuns: 100 },
    );
  });
});
