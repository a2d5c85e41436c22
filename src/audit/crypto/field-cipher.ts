/** Envelope encryption of audit fields: AES-256-GCM under data keys that a KeyProvider wraps. */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { validateConfig } from '../../config/index.js';
import { StewardError } from '../../errors/index.js';
import { DecryptionFailedError } from './decryption-failed-error.js';
import { type FieldEnvelope, formatEnvelope, IV_BYTES, parseEnvelope, TAG_BYTES } from './envelope.js';
import type { KeyProvider } from './key-provider.js';
import { assertKeyId } from './keyring.js';
import {
  decryptPayload,
  encryptPayload,
  type FieldSealer,
  type PayloadFieldOptions,
} from './payload-fields.js';

const isFunction = (value: unknown) => typeof value === 'function';

const fieldCipherOptionsSchema = z
  .object({
    keyProvider: z.custom<KeyProvider>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        ['currentKeyId', 'wrapDataKey', 'unwrapDataKey'].every((name) =>
          isFunction(Reflect.get(value, name)),
        ),
      'a KeyProvider with currentKeyId, wrapDataKey and unwrapDataKey',
    ),
    dataKeyMaxUses: z.number().int().positive().default(1_000_000),
    cacheSize: z.number().int().positive().default(256),
    randomBytes: z.custom<(size: number) => Buffer>(isFunction, 'a function').optional(),
  })
  .strict();

export interface FieldCipherOptions {
  /** Holds the master keys; `createEnvKeyProvider()` or a KMS. */
  keyProvider: KeyProvider;
  /**
   * A fresh data key (one wrap call) after this many encryptions. Default 1,000,000, far below the
   * 2^32 random nonces AES-GCM allows per key.
   */
  dataKeyMaxUses?: number;
  /** How many unwrapped data keys are kept for decryption. Default 256. */
  cacheSize?: number;
  /** Source of data keys and nonces. Default `crypto.randomBytes`; replace only in tests. */
  randomBytes?: (size: number) => Buffer;
}

/** Encrypts and decrypts single fields or the listed fields of a payload. */
export interface FieldCipher {
  /** Encrypts `plaintext` to a compact `enc:v1:…` string; `aad` binds it to a context. */
  encryptField(plaintext: string, aad?: string): Promise<string>;
  /** Decrypts a compact string or envelope object; `aad` must be the one it was encrypted with. */
  decryptField(envelope: string | FieldEnvelope, aad?: string): Promise<string>;
  /** A copy of `payload` with the values at `paths` (`text`, `toolCalls.*.input`, `**.output`) encrypted. */
  encryptFields(payload: unknown, paths: readonly string[], options?: PayloadFieldOptions): Promise<unknown>;
  /** A copy of `payload` with every encrypted field decrypted and JSON values restored. */
  decryptFields<T = unknown>(payload: unknown, options?: PayloadFieldOptions): Promise<T>;
  /**
   * Starts a new data key under the provider's current key and returns that key id. Call it after
   * rotating the master key; nothing already written is rewritten, and it all stays readable.
   */
  rotate(): Promise<string>;
}

interface DataKey {
  keyId: string;
  key: KeyObject;
  wrapped: string;
  uses: number;
}

/**
 * Creates a field cipher. Each value is AES-256-GCM encrypted under a data key; the data key is
 * wrapped by the provider's current master key and stored in the envelope, so any value decrypts
 * alone, and older key ids keep working after rotation.
 *
 * @example
 * const cipher = createFieldCipher({ keyProvider: createEnvKeyProvider() });
 * const stored = await cipher.encryptField('card ends 4242', 'tenant:acme/interaction:i-1/text');
 * await cipher.decryptField(stored, 'tenant:acme/interaction:i-1/text'); // 'card ends 4242'
 * const record = await cipher.encryptFields(interaction, ['requestText', 'replyText', 'toolCalls.*.input'], {
 *   aad: 'tenant:acme',
 * });
 */
export function createFieldCipher(options: FieldCipherOptions): FieldCipher {
  const config = validateConfig(fieldCipherOptionsSchema, options, 'field cipher options');
  const provider = config.keyProvider;
  const random = config.randomBytes ?? randomBytes;
  const unwrapped = new Map<string, Promise<KeyObject>>();
  let active: DataKey | undefined;
  let starting: Promise<DataKey> | undefined;

  function remember(cacheKey: string, key: Promise<KeyObject>): Promise<KeyObject> {
    unwrapped.delete(cacheKey);
    unwrapped.set(cacheKey, key);
    if (unwrapped.size > config.cacheSize) unwrapped.delete(unwrapped.keys().next().value as string);
    return key;
  }

  async function startDataKey(keyId: string): Promise<DataKey> {
    assertKeyId(keyId, 'keyProvider.currentKeyId()');
    const dataKey = random(32);
    const wrapped = Buffer.from(await provider.wrapDataKey(keyId, dataKey)).toString('base64url');
    const key = createSecretKey(dataKey);
    dataKey.fill(0);
    remember(`${keyId}:${wrapped}`, Promise.resolve(key));
    active = { keyId, key, wrapped, uses: 0 };
    return active;
  }

  async function currentDataKey(): Promise<DataKey> {
    const keyId = await provider.currentKeyId();
    if (active && active.keyId === keyId && active.uses < config.dataKeyMaxUses) return active;
    starting ??= startDataKey(keyId).finally(() => {
      starting = undefined;
    });
    return starting;
  }

  function dataKeyFor(envelope: FieldEnvelope): Promise<KeyObject> {
    const cacheKey = `${envelope.kid}:${envelope.wdk}`;
    const cached = unwrapped.get(cacheKey);
    if (cached) return remember(cacheKey, cached);
    const opening = unwrap(provider, envelope).catch((error: unknown) => {
      unwrapped.delete(cacheKey);
      throw error;
    });
    return remember(cacheKey, opening);
  }

  const sealer: FieldSealer = {
    async seal(plaintext, aad, json) {
      const dataKey = await currentDataKey();
      dataKey.uses++;
      const iv = random(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', dataKey.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(dataKey.keyId, json, aad));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return formatEnvelope({
        v: 1,
        alg: 'A256GCM',
        kid: dataKey.keyId,
        ...(json ? { cty: 'json' as const } : {}),
        wdk: dataKey.wrapped,
        iv: iv.toString('base64url'),
        tag: cipher.getAuthTag().toString('base64url'),
        ct: ct.toString('base64url'),
      });
    },
    async open(sealed, aad) {
      const envelope = parseEnvelope(sealed);
      const key = await dataKeyFor(envelope);
      const json = envelope.cty === 'json';
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64url'), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(associatedData(envelope.kid, json, aad));
        decipher.setAuthTag(Buffer.from(envelope.tag, 'base64url'));
        const plaintext = Buffer.concat([
          decipher.update(Buffer.from(envelope.ct, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
        return { plaintext, json };
      } catch (error) {
        throw new DecryptionFailedError(
          'authentication-failed',
          `Encrypted audit field (key "${envelope.kid}") does not authenticate: its ciphertext, tag or context ` +
            'does not match. It was altered, or moved from another field, record or tenant (pass the aad it was encrypted with).',
          { keyId: envelope.kid, cause: error },
        );
      }
    },
  };

  return {
    encryptField: (plaintext, aad = '') => sealer.seal(plaintext, aad, false),
    async decryptField(envelope, aad = '') {
      return (await sealer.open(envelope, aad)).plaintext;
    },
    encryptFields: (payload, paths, fieldOptions) => encryptPayload(sealer, payload, paths, fieldOptions),
    decryptFields: async <T>(payload: unknown, fieldOptions?: PayloadFieldOptions) =>
      (await decryptPayload(sealer, payload, fieldOptions)) as T,
    async rotate() {
      active = undefined;
      return (await currentDataKey()).keyId;
    },
  };
}

/** The envelope header is authenticated with the caller's context, so neither can be swapped. */
function associatedData(keyId: string, json: boolean, aad: string): Buffer {
  return Buffer.from(`claude-steward/audit-field:v1:A256GCM:${keyId}:${json ? 'j' : 't'}:${aad}`, 'utf8');
}

async function unwrap(provider: KeyProvider, envelope: FieldEnvelope): Promise<KeyObject> {
  let dataKey: Uint8Array;
  try {
    dataKey = await provider.unwrapDataKey(envelope.kid, Buffer.from(envelope.wdk, 'base64url'));
  } catch (error) {
    if (StewardError.isInstance(error)) throw error;
    throw new DecryptionFailedError(
      'unwrap-failed',
      `The key provider could not unwrap the data key of an encrypted audit field (key "${envelope.kid}"): ${
        error instanceof Error ? error.message : String(error)
      }`,
      { keyId: envelope.kid, cause: error },
    );
  }
  if (dataKey.length !== 32) {
    throw new DecryptionFailedError(
      'unwrap-failed',
      `The key provider returned a ${dataKey.length}-byte data key for key "${envelope.kid}"; expected 32 bytes.`,
      { keyId: envelope.kid },
    );
  }
  return createSecretKey(Buffer.from(dataKey));
}
