/** The self-describing form of an encrypted field, as an object or as the compact string `enc:v1:…`. */
import { DecryptionFailedError } from './decryption-failed-error.js';
import { KEY_ID_PATTERN } from './key-provider.js';

/**
 * One encrypted value with everything needed to decrypt it but the master key: the key id, the
 * data key wrapped under it, and the AES-256-GCM nonce, tag and ciphertext (all base64url).
 * `cty: 'json'` marks a value that was JSON before encryption and is parsed again after.
 */
export interface FieldEnvelope {
  v: 1;
  alg: 'A256GCM';
  kid: string;
  cty?: 'json';
  wdk: string;
  iv: string;
  tag: string;
  ct: string;
}

/** Every compact envelope starts with this; `decryptFields` looks for it. */
export const ENCRYPTED_FIELD_PREFIX = 'enc:v1:';

export const IV_BYTES = 12;
export const TAG_BYTES = 16;

const base64url = /^[A-Za-z0-9_-]*$/;

/**
 * True when `value` is a compact encrypted field (it is not checked further).
 *
 * @example isEncryptedField('enc:v1:k1:t:…') // true
 */
export function isEncryptedField(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(ENCRYPTED_FIELD_PREFIX);
}

/**
 * Writes an envelope as `enc:v1:<kid>:<t|j>:<wdk>:<iv>:<tag>:<ct>`, short enough to sit in a JSON
 * string field where the plaintext was.
 *
 * @example formatEnvelope(envelope) // 'enc:v1:k2:t:AbC…:…:…:…'
 */
export function formatEnvelope(envelope: FieldEnvelope): string {
  const type = envelope.cty === 'json' ? 'j' : 't';
  return `${ENCRYPTED_FIELD_PREFIX}${envelope.kid}:${type}:${envelope.wdk}:${envelope.iv}:${envelope.tag}:${envelope.ct}`;
}

/**
 * Reads an envelope from its compact string or object form, checking its shape; throws a
 * `DecryptionFailedError` with reason `malformed` when it is not one.
 *
 * @example parseEnvelope('enc:v1:k2:t:…').kid // 'k2'
 */
export function parseEnvelope(value: string | FieldEnvelope): FieldEnvelope {
  const envelope = typeof value === 'string' ? parseCompact(value) : value;
  const problem = shapeProblem(envelope);
  if (problem) throw malformed(problem);
  return normalized(envelope);
}

function parseCompact(text: string): FieldEnvelope {
  if (!text.startsWith(ENCRYPTED_FIELD_PREFIX)) {
    throw malformed(`it does not start with "${ENCRYPTED_FIELD_PREFIX}"`);
  }
  const parts = text.slice(ENCRYPTED_FIELD_PREFIX.length).split(':');
  if (parts.length !== 6) throw malformed(`it has ${parts.length} parts after the prefix, not 6`);
  const [kid, type, wdk, iv, tag, ct] = parts as [string, string, string, string, string, string];
  if (type !== 't' && type !== 'j') throw malformed(`its content type is "${type.slice(0, 8)}", not t or j`);
  return { v: 1, alg: 'A256GCM', kid, ...(type === 'j' ? { cty: 'json' as const } : {}), wdk, iv, tag, ct };
}

function shapeProblem(envelope: FieldEnvelope): string | undefined {
  if (typeof envelope !== 'object' || envelope === null) return 'it is not an object or string';
  if (envelope.v !== 1) return `its version is ${JSON.stringify(envelope.v)}, this reader knows 1`;
  if (envelope.alg !== 'A256GCM') return `its algorithm is ${JSON.stringify(envelope.alg)}, not A256GCM`;
  if (typeof envelope.kid !== 'string' || !KEY_ID_PATTERN.test(envelope.kid)) return 'its key id is invalid';
  if (envelope.cty !== undefined && envelope.cty !== 'json') return 'its content type is not json';
  for (const part of ['wdk', 'iv', 'tag', 'ct'] as const) {
    const text = envelope[part];
    if (typeof text !== 'string' || !base64url.test(text)) return `its ${part} is not base64url`;
  }
  if (envelope.wdk === '') return 'its wrapped data key is empty';
  if (Buffer.from(envelope.iv, 'base64url').length !== IV_BYTES) return `its iv is not ${IV_BYTES} bytes`;
  if (Buffer.from(envelope.tag, 'base64url').length !== TAG_BYTES) return `its tag is not ${TAG_BYTES} bytes`;
  return undefined;
}

function normalized(envelope: FieldEnvelope): FieldEnvelope {
  const { v, alg, kid, cty, wdk, iv, tag, ct } = envelope;
  return { v, alg, kid, ...(cty === 'json' ? { cty } : {}), wdk, iv, tag, ct };
}

function malformed(why: string): DecryptionFailedError {
  return new DecryptionFailedError(
    'malformed',
    `Not a readable encrypted audit field: ${why}. Expected ${ENCRYPTED_FIELD_PREFIX}<kid>:<t|j>:<wdk>:<iv>:<tag>:<ct> or { v: 1, alg: 'A256GCM', kid, wdk, iv, tag, ct }.`,
  );
}
