/**
 * Configs kept as data: plain JSON only (no functions, class instances or live objects), stored as
 * canonical JSON (keys sorted) so that an unchanged config is recognised byte for byte.
 */
import { renderValue } from '../../config/index.js';
import { type ConfigIssue, InvalidConfigError } from '../../errors/index.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

const maxDepth = 64;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy of `value` as plain JSON, or InvalidConfigError listing every value that is not JSON
 * (functions, class instances, `NaN`, `bigint` …) with its path. `undefined` properties are dropped,
 * as `JSON.stringify` drops them.
 *
 * @example
 * toJsonObject({ limits: { maxTurns: 5 } }, 'agent config'); // { limits: { maxTurns: 5 } }
 */
export function toJsonObject(value: unknown, context: string): JsonObject {
  const issues: ConfigIssue[] = [];
  if (!isPlainObject(value)) {
    throw new InvalidConfigError(
      [{ path: '', expected: 'a JSON object', received: renderValue(value) }],
      context,
    );
  }
  const copy = copyJson(value, [], issues, new Set()) as JsonObject;
  if (issues.length > 0) throw new InvalidConfigError(issues, context);
  return copy;
}

function copyJson(value: unknown, path: string[], issues: ConfigIssue[], seen: Set<object>): JsonValue {
  const fail = (expected: string): JsonValue => {
    const received = typeof value === 'number' ? String(value) : renderValue(value);
    issues.push({ path: path.join('.'), expected, received });
    return null;
  };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : fail('a finite number');
  if (value === undefined) return fail('a JSON value, not undefined');
  if (typeof value !== 'object') return fail('a JSON value (string, number, boolean, null, array, object)');
  if (path.length >= maxDepth) return fail(`at most ${maxDepth} levels of nesting`);
  if (seen.has(value)) return fail('no circular reference');
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item, index) => copyJson(item, [...path, String(index)], issues, seen));
    }
    if (!isPlainObject(value)) return fail('a plain JSON object, not a class instance');
    const copy: JsonObject = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner === undefined) continue;
      setOwn(copy, key, copyJson(inner, [...path, key], issues, seen));
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}

/** `object[key] = value` that makes an own property even for `__proto__` (a key JSON.parse can produce). */
export function setOwn(object: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** JSON text with every object's keys sorted (by code unit), so equal values give equal text. */
export function canonicalJson(value: JsonValue): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    isJsonObject(inner)
      ? Object.fromEntries(
          Object.keys(inner)
            .sort(compareKeys)
            .map((key) => [key, inner[key]]),
        )
      : inner,
  );
}

const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The top-level keys whose values differ between two configs (added, removed or changed), sorted. */
export function changedTopLevelKeys(before: JsonObject | undefined, after: JsonObject): string[] {
  const previous = before ?? {};
  const keys = new Set([...Object.keys(previous), ...Object.keys(after)]);
  return [...keys]
    .filter((key) => {
      const old = Object.hasOwn(previous, key) ? previous[key] : undefined;
      const now = Object.hasOwn(after, key) ? after[key] : undefined;
      if (old === undefined || now === undefined) return old !== now;
      return canonicalJson(old) !== canonicalJson(now);
    })
    .sort(compareKeys);
}
