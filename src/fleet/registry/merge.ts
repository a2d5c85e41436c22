/**
 * How an agent's config is laid over its template: a JSON Merge Patch (RFC 7386).
 * - objects merge deeply, key by key (maps such as `trust.permissions` too);
 * - arrays replace the template's array whole (`tools`, `channels`, `optimization.fallback` …);
 * - strings, numbers and booleans replace;
 * - `null` removes the key from the result (e.g. `{ trust: null }` drops the template's trust section),
 *   which is the only meaning null has: no config option takes null as a value.
 */
import { isJsonObject, type JsonObject, type JsonValue, setOwn } from './json-config.js';

/**
 * The result of laying `patch` over `base` (neither is modified).
 *
 * @example
 * mergeConfig({ limits: { maxTurns: 5, timeoutMs: 60_000 }, tools: ['Read'] },
 *             { limits: { maxTurns: 8 }, tools: ['Write'], trust: null });
 * // { limits: { maxTurns: 8, timeoutMs: 60_000 }, tools: ['Write'] }
 */
export function mergeConfig(base: JsonObject, patch: JsonObject): JsonObject {
  return mergeValue(base, patch) as JsonObject;
}

function mergeValue(base: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const result: JsonObject = isJsonObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, mergeValue(Object.hasOwn(result, key) ? result[key] : undefined, value));
  }
  return result;
}
