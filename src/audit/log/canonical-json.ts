/**
 * Canonical JSON for audit records: the one encoding a record's hash is computed over, so the same
 * value always gives the same characters. Object keys sorted by UTF-16 code units (as RFC 8785),
 * `undefined` members dropped, numbers as JavaScript prints them, strings escaped by JSON.stringify.
 * Values JSON cannot carry faithfully (BigInt, functions, symbols, cycles, NaN and Infinity, Map, Set)
 * are refused rather than silently changed; lone surrogates become U+FFFD so that what is hashed is
 * exactly what a UTF-8 database stores.
 */
import { StewardError } from '../../errors/index.js';

export interface CanonicalJsonOptions {
  /** Deepest nesting accepted (objects and arrays); deeper values are refused. Default 64. */
  maxDepth?: number;
  /**
   * Stop encoding once the output passes this many UTF-16 code units and throw
   * {@link CanonicalJsonTooLong} with the prefix encoded so far (used to truncate huge payloads
   * without building them whole). Default: no limit.
   */
  maxLength?: number;
}

/** Thrown by {@link canonicalJson} when `maxLength` is passed; `prefix` is the start of the encoding. */
export class CanonicalJsonTooLong extends Error {
  override readonly name = 'CanonicalJsonTooLong';
  constructor(readonly prefix: string) {
    super('canonical JSON longer than the limit');
  }
}

// String.prototype.isWellFormed / toWellFormed ship with Node 20 but not with the ES2023 lib typings.
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** The string with every lone surrogate replaced by U+FFFD. */
export function wellFormed(text: string): string {
  const value = text as unknown as WellFormedString;
  return value.isWellFormed() ? text : value.toWellFormed();
}

/** Strings JSON.stringify would only wrap in quotes: no quote, backslash, control character or surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters JSON escapes.
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** A JSON string literal of `text`, lone surrogates replaced. */
export function quoteString(text: string): string {
  // The common case (ids, names, hex hashes) skips JSON.stringify: verification calls this ~12 times a record.
  return PLAIN_STRING.test(text) ? `"${text}"` : JSON.stringify(wellFormed(text));
}

/**
 * Encodes `value` canonically.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null], c: undefined }) // '{"a":[true,null],"b":1}'
 * @throws StewardError('invalid-request') naming the path of a value JSON cannot hold.
 */
export function canonicalJson(value: unknown, options: CanonicalJsonOptions = {}): string {
  const encoder = new Encoder(options.maxDepth ?? 64, options.maxLength ?? Number.POSITIVE_INFINITY);
  try {
    encoder.value(value, 0);
  } catch (error) {
    if (error instanceof CanonicalJsonTooLong || StewardError.isInstance(error)) throw error;
    // A getter or toJSON that throws, a revoked proxy: the caller's value, not our bug.
    throw new StewardError('invalid-request', `audit payload could not be read: ${describe(error)}`, {
      cause: error,
    });
  }
  return encoder.out;
}

class Encoder {
  out = '';
  private readonly ancestors = new Set<object>();
  /** Keys and indexes from the root to the value being encoded; joined into a path only on refusal. */
  private readonly path: Array<string | number> = [];

  constructor(
    private readonly maxDepth: number,
    private readonly maxLength: number,
  ) {}

  private emit(text: string): void {
    this.out += text;
    if (this.out.length > this.maxLength) throw new CanonicalJsonTooLong(this.out);
  }

  value(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'string':
        this.emit(quoteString(value));
        return;
      case 'number':
        if (!Number.isFinite(value)) this.refuse(`${value} is not a finite number`);
        this.emit(JSON.stringify(value));
        return;
      case 'boolean':
        this.emit(value ? 'true' : 'false');
        return;
      case 'object':
        if (value === null) {
          this.emit('null');
          return;
        }
        this.object(value, depth);
        return;
      case 'undefined':
        this.refuse('undefined has no JSON form (omit the member instead)');
        return;
      case 'bigint':
        this.refuse('a BigInt has no JSON form; convert it to a string or a number');
        return;
      default:
        this.refuse(`a ${typeof value} has no JSON form`);
    }
  }

  private object(value: object, depth: number): void {
    if (depth >= this.maxDepth) this.refuse(`nested deeper than ${this.maxDepth} levels`);
    if (this.ancestors.has(value)) this.refuse('the value contains a cycle');
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      // Dates and the like: encode what they say they are, as JSON.stringify would.
      this.ancestors.add(value);
      this.value(toJSON.call(value), depth + 1);
      this.ancestors.delete(value);
      return;
    }
    if (value instanceof Map || value instanceof Set) {
      this.refuse(
        `a ${value instanceof Map ? 'Map' : 'Set'} has no JSON form; convert it to an object or array`,
      );
    }
    this.ancestors.add(value);
    if (Array.isArray(value)) {
      this.emit('[');
      for (let index = 0; index < value.length; index++) {
        if (index > 0) this.emit(',');
        const item: unknown = value[index];
        if (item === undefined) this.emit('null');
        else {
          this.path.push(index);
          this.value(item, depth + 1);
          this.path.pop();
        }
      }
      this.emit(']');
    } else {
      const record = value as Record<string, unknown>;
      const keys = sortedKeys(record);
      let first = true;
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) continue;
        this.emit(first ? `{${JSON.stringify(wellFormed(key))}:` : `,${JSON.stringify(wellFormed(key))}:`);
        first = false;
        this.path.push(key);
        this.value(member, depth + 1);
        this.path.pop();
      }
      if (first) this.emit('{');
      this.emit('}');
    }
    this.ancestors.delete(value);
  }

  private refuse(reason: string): never {
    const path = this.path
      .map((part) =>
        typeof part === 'number' ? `[${part}]` : `.${part.length > 40 ? `${part.slice(0, 40)}…` : part}`,
      )
      .join('');
    throw new StewardError('invalid-request', `audit payload $${path}: ${reason}`, {
      details: { path: `$${path}` },
    });
  }
}

/**
 * The keys in canonical order. Keys holding lone surrogates are compared as they will be written
 * (with U+FFFD), and of two keys that become equal only the first is kept.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.every((key) => (key as unknown as WellFormedString).isWellFormed())) return keys.sort();
  const byClean = new Map<string, string>();
  for (const key of keys) {
    const clean = wellFormed(key);
    if (!byClean.has(clean)) byClean.set(clean, key);
  }
  return [...byClean.keys()].sort().map((clean) => byClean.get(clean)!);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
