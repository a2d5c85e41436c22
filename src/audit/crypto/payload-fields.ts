/** Walks a JSON payload to encrypt the fields named by paths, and to decrypt every encrypted field. */
import { type FieldEnvelope, isEncryptedField } from './envelope.js';

/** What the payload walk needs from a cipher: seal one value, open one value. */
export interface FieldSealer {
  seal(plaintext: string, aad: string, json: boolean): Promise<string>;
  open(sealed: string | FieldEnvelope, aad: string): Promise<{ plaintext: string; json: boolean }>;
}

export interface PayloadFieldOptions {
  /**
   * Context the fields are bound to, e.g. `tenant:acme/record:42`. Each field's associated data is
   * this plus its path in the payload, so a value copied to another field, record or tenant fails.
   */
  aad?: string;
}

type Path = readonly string[];

/**
 * Returns a copy of `payload` with each value at one of `paths` encrypted. A path is dotted keys,
 * where `*` matches one key or array index and `**` any number of levels (`**.text` is `text`
 * anywhere). Strings are encrypted as they are; other values as JSON, restored by `decryptPayload`.
 * Values already encrypted are left alone; the payload itself is never modified.
 */
export async function encryptPayload(
  sealer: FieldSealer,
  payload: unknown,
  paths: readonly string[],
  options: PayloadFieldOptions = {},
): Promise<unknown> {
  const patterns = paths.map((path) => path.split('.'));
  const walk = async (value: unknown, path: Path): Promise<unknown> => {
    if (value === undefined || isEncryptedField(value)) return value;
    if (path.length > 0 && patterns.some((pattern) => matches(pattern, path))) {
      const json = typeof value !== 'string';
      const text = json ? JSON.stringify(value) : value;
      if (text === undefined) return value; // a function or symbol: JSON would drop it too
      return sealer.seal(text, fieldAad(options.aad, path), json);
    }
    return mapChildren(value, path, walk);
  };
  return walk(payload, []);
}

/**
 * Returns a copy of `payload` with every encrypted field (a string starting `enc:v1:`) decrypted,
 * each checked against the same context and path it was encrypted with.
 */
export async function decryptPayload(
  sealer: FieldSealer,
  payload: unknown,
  options: PayloadFieldOptions = {},
): Promise<unknown> {
  const walk = async (value: unknown, path: Path): Promise<unknown> => {
    if (isEncryptedField(value)) {
      const opened = await sealer.open(value, fieldAad(options.aad, path));
      return opened.json ? walk(JSON.parse(opened.plaintext), path) : opened.plaintext;
    }
    return mapChildren(value, path, walk);
  };
  return walk(payload, []);
}

/** The associated data of one field: unambiguous even when keys contain dots or quotes. */
export function fieldAad(context: string | undefined, path: Path): string {
  return JSON.stringify([context ?? null, path]);
}

async function mapChildren(
  value: unknown,
  path: Path,
  walk: (child: unknown, path: Path) => Promise<unknown>,
): Promise<unknown> {
  if (Array.isArray(value)) {
    return Promise.all(value.map((child, index) => walk(child, [...path, String(index)])));
  }
  if (!isPlainObject(value)) return value;
  const entries = await Promise.all(
    Object.entries(value).map(async ([key, child]) => [key, await walk(child, [...path, key])] as const),
  );
  // fromEntries defines properties, so a `__proto__` key from parsed JSON stays a plain key.
  return Object.fromEntries(entries);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function matches(pattern: readonly string[], path: Path): boolean {
  const [head, ...rest] = pattern;
  if (head === undefined) return path.length === 0;
  if (head === '**') {
    for (let skip = 0; skip <= path.length; skip++) if (matches(rest, path.slice(skip))) return true;
    return false;
  }
  const [first, ...others] = path;
  if (first === undefined) return false;
  return (head === '*' || head === first) && matches(rest, others);
}
