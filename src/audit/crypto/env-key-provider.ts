/** A KeyProvider holding master keys in process memory, read from `STEWARD_AUDIT_KEY` or passed in. */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { validateConfig } from '../../config/index.js';
import { InvalidConfigError } from '../../errors/index.js';
import { DecryptionFailedError } from './decryption-failed-error.js';
import type { KeyProvider } from './key-provider.js';
import {
  assertKeyId,
  keyFingerprint,
  type MasterKeyEntry,
  parseKeyObject,
  parseKeyring,
  parseMasterKey,
  putFirst,
} from './keyring.js';

const keyMaterial = z.union([z.string(), z.instanceof(Uint8Array)]);

const envKeyProviderOptionsSchema = z
  .object({
    masterKey: keyMaterial.optional(),
    keys: z.record(z.string(), keyMaterial).optional(),
    currentKeyId: z.string().optional(),
    env: z.string().min(1).default('STEWARD_AUDIT_KEY'),
    environment: z.record(z.string(), z.string().optional()).optional(),
  })
  .strict();

export interface EnvKeyProviderOptions {
  /** One key (64 hex characters or base64) or a keyring string `k2:<key>,k1:<key>`; the first is current. */
  masterKey?: string | Uint8Array;
  /** The object form of a keyring, key id → key; with more than one key, name the current one in `currentKeyId`. */
  keys?: Record<string, string | Uint8Array>;
  /** Which key new data keys are wrapped with. Default: the first of the keyring. */
  currentKeyId?: string;
  /** The environment variable read when neither `masterKey` nor `keys` is given. Default `STEWARD_AUDIT_KEY`. */
  env?: string;
  /** Where environment variables are read from. Default `process.env`. */
  environment?: Record<string, string | undefined>;
}

/** The environment key provider; `rotate` adds a new current key while older ones stay readable. */
export interface EnvKeyProvider extends KeyProvider {
  /** Key ids held, current first. */
  readonly keyIds: readonly string[];
  /**
   * Makes `masterKey` the current key (id: `keyId`, or its fingerprint) and returns its id; values
   * already written keep decrypting with the older keys.
   */
  rotate(masterKey: string | Uint8Array, keyId?: string): string;
}

const WRAP_IV_BYTES = 12;
const WRAP_TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

/**
 * Creates a key provider from configured master keys. Data keys are wrapped with AES-256-GCM under
 * the master key, with the key id as associated data.
 *
 * @example
 * // STEWARD_AUDIT_KEY="k2:<base64 of 32 bytes>,k1:<older key>"
 * const keys = createEnvKeyProvider();
 * const same = createEnvKeyProvider({ keys: { k1: oldKey, k2: newKey }, currentKeyId: 'k2' });
 */
export function createEnvKeyProvider(options: EnvKeyProviderOptions = {}): EnvKeyProvider {
  const config = validateConfig(envKeyProviderOptionsSchema, options, 'audit key provider options');
  let ring = readKeyring(config);
  if (config.currentKeyId !== undefined) ring = putFirst(ring, config.currentKeyId);
  const keys = new Map<string, KeyObject>(ring.map((entry) => [entry.keyId, createSecretKey(entry.key)]));
  let order = ring.map((entry) => entry.keyId);
  for (const entry of ring) entry.key.fill(0);

  function masterKey(keyId: string): KeyObject {
    const key = keys.get(keyId);
    if (key) return key;
    throw new DecryptionFailedError(
      'unknown-key',
      `Audit master key "${keyId}" is not configured (have ${order.map((id) => `"${id}"`).join(', ')}). ` +
        `Keep retired keys in the keyring after rotating: ${config.env}="<new id>:<new key>,${keyId}:<old key>".`,
      { keyId },
    );
  }

  return {
    get keyIds() {
      return [...order];
    },
    currentKeyId: () => order[0]!,
    async wrapDataKey(keyId, dataKey) {
      if (dataKey.length !== DATA_KEY_BYTES) {
        throw new InvalidConfigError(
          [{ path: 'dataKey', expected: `${DATA_KEY_BYTES} bytes`, received: `${dataKey.length} bytes` }],
          'data key',
        );
      }
      const iv = randomBytes(WRAP_IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', masterKey(keyId), iv, { authTagLength: WRAP_TAG_BYTES });
      cipher.setAAD(wrapContext(keyId));
      const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
    },
    async unwrapDataKey(keyId, wrapped) {
      const key = masterKey(keyId);
      const bytes = Buffer.from(wrapped);
      if (bytes.length !== WRAP_IV_BYTES + WRAP_TAG_BYTES + DATA_KEY_BYTES) {
        throw new DecryptionFailedError(
          'unwrap-failed',
          unwrapMessage(keyId, `it is ${bytes.length} bytes`),
          {
            keyId,
          },
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, WRAP_IV_BYTES), {
          authTagLength: WRAP_TAG_BYTES,
        });
        decipher.setAAD(wrapContext(keyId));
        decipher.setAuthTag(bytes.subarray(WRAP_IV_BYTES, WRAP_IV_BYTES + WRAP_TAG_BYTES));
        const sealed = bytes.subarray(WRAP_IV_BYTES + WRAP_TAG_BYTES);
        return Buffer.concat([decipher.update(sealed), decipher.final()]);
      } catch (error) {
        throw new DecryptionFailedError(
          'unwrap-failed',
          unwrapMessage(
            keyId,
            'it was altered, or the key configured under this id is not the one that wrapped it',
          ),
          { keyId, cause: error },
        );
      }
    },
    rotate(newKey, keyId) {
      const key = parseMasterKey(newKey, 'rotate(masterKey)');
      const id = keyId === undefined ? keyFingerprint(key) : assertKeyId(keyId, 'rotate(keyId)');
      if (keys.has(id)) {
        throw new InvalidConfigError(
          [{ path: 'rotate(keyId)', expected: 'a key id not in the keyring yet', received: `"${id}"` }],
          'audit key rotation',
        );
      }
      keys.set(id, createSecretKey(key));
      key.fill(0);
      order = [id, ...order];
      return id;
    },
  };
}

function readKeyring(config: z.output<typeof envKeyProviderOptionsSchema>): MasterKeyEntry[] {
  if (config.masterKey !== undefined && config.keys !== undefined) {
    throw new InvalidConfigError(
      [{ path: 'masterKey', expected: 'either masterKey or keys, not both', received: 'both' }],
      'audit key provider options',
    );
  }
  if (config.keys !== undefined) return parseKeyObject(config.keys, config.currentKeyId, 'keys');
  if (config.masterKey !== undefined) {
    return typeof config.masterKey === 'string'
      ? parseKeyring(config.masterKey, 'masterKey')
      : [{ keyId: keyFingerprint(config.masterKey), key: parseMasterKey(config.masterKey, 'masterKey') }];
  }
  const fromEnvironment = (config.environment ?? process.env)[config.env];
  if (fromEnvironment === undefined || fromEnvironment.trim() === '') {
    throw new InvalidConfigError(
      [
        {
          path: config.env,
          expected:
            `a master key for audit field encryption. Supply one of:\n` +
            `    - ${config.env}=<32-byte key as base64 or 64 hex characters> (openssl rand -base64 32)\n` +
            `    - ${config.env}="k2:<new key>,k1:<old key>" to rotate: the first key is current\n` +
            `    - createEnvKeyProvider({ masterKey }) or createEnvKeyProvider({ keys, currentKeyId })`,
          received: fromEnvironment === undefined ? 'an unset variable' : 'an empty variable',
        },
      ],
      'audit encryption key',
    );
  }
  return parseKeyring(fromEnvironment, config.env);
}

function wrapContext(keyId: string): Buffer {
  return Buffer.from(`claude-steward/audit-data-key:v1:${keyId}`, 'utf8');
}

function unwrapMessage(keyId: string, why: string): string {
  return `Could not unwrap the data key of an encrypted audit field with master key "${keyId}": ${why}.`;
}
