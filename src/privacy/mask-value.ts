/**
 * Masks PII inside JSON-like values (tool inputs and outputs): every string in objects and arrays,
 * and long integers (a card or phone number stored as a number), with object keys left as they are.
 */
import type { PiiDetector } from './detector.js';
import { assertMaskPolicy, type MaskedSpan, type MaskingKeys, type MaskPolicy, maskText } from './masking.js';
import type { PiiFinding } from './types.js';

export interface MaskValueOptions {
  /** Nesting deeper than this is replaced by `[TRUNCATED]` rather than walked. Default 64. */
  maxDepth?: number;
}

/** A replacement inside a value: `path` leads from the root to the string that held it. */
export interface MaskedValueSpan extends MaskedSpan {
  path: Array<string | number>;
}

export interface MaskValueResult {
  value: unknown;
  findings: MaskedValueSpan[];
}

const TRUNCATED = '[TRUNCATED]';
/** Integers this long may be phone, card or account numbers; shorter ones are counts and ids. */
const MIN_NUMERIC_DIGITS = 7;

/** False for a number kept as it is whatever the policy: not a safe integer, or under `MIN_NUMERIC_DIGITS` digits. */
export function numberMayHoldPii(value: number): boolean {
  return Number.isSafeInteger(value) && String(value).replace('-', '').length >= MIN_NUMERIC_DIGITS;
}

/** `phoneNumber` → `phone number`, `user_ssn` → `user ssn`: a key read as context words. */
function keyAsWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .slice(0, 64);
}

/**
 * Detects in `text` with its property name in front as context (`ssn: 219884410`, `name: Maria
 * Lopez`), keeping only what falls inside the value, in the value's offsets.
 */
function detectWithKey(
  detector: Pick<PiiDetector, 'detect'>,
  text: string,
  key: string | number | undefined,
): PiiFinding[] {
  if (typeof key !== 'string' || key.length === 0) return detector.detect(text);
  const prefix = `${keyAsWords(key)}: `;
  const findings: PiiFinding[] = [];
  for (const finding of detector.detect(prefix + text)) {
    const start = Math.max(0, finding.start - prefix.length);
    const end = finding.end - prefix.length;
    if (end > start) findings.push({ ...finding, start, end, text: text.slice(start, end) });
  }
  return findings;
}

/**
 * Returns a masked deep copy of `value` (the input is not modified). Each property's name is read
 * as context for its value, so `{ ssn: '219884410' }` is caught. Cycles are kept as cycles;
 * Dates and other objects with `toJSON` are walked as what they serialise to; functions and
 * symbols are dropped, as JSON would drop them.
 *
 * @example
 * maskValue({ to: 'jo@example.com', count: 2 }, detector, { default: 'redact' }).value;
 * // { to: '[EMAIL]', count: 2 }
 */
export function maskValue(
  value: unknown,
  detector: Pick<PiiDetector, 'detect'>,
  policy: MaskPolicy,
  keys: MaskingKeys = {},
  options: MaskValueOptions = {},
): MaskValueResult {
  assertMaskPolicy(policy, keys);
  const maxDepth = options.maxDepth ?? 64;
  const findings: MaskedValueSpan[] = [];
  const seen = new WeakMap<object, unknown>();

  const maskString = (text: string, path: Array<string | number>): string => {
    const detected = detectWithKey(detector, text, path.at(-1));
    if (detected.length === 0) return text;
    const masked = maskText(text, detected, policy, keys);
    for (const finding of masked.findings) findings.push({ ...finding, path });
    return masked.text;
  };

  const walk = (current: unknown, path: Array<string | number>, depth: number): unknown => {
    switch (typeof current) {
      case 'string':
        return maskString(current, path);
      case 'number':
      case 'bigint': {
        const digits = String(current);
        const kept =
          typeof current === 'number'
            ? !numberMayHoldPii(current)
            : digits.replace('-', '').length < MIN_NUMERIC_DIGITS;
        if (kept) return current;
        const masked = maskString(digits, path);
        return masked === digits ? current : masked;
      }
      case 'function':
      case 'symbol':
        return undefined;
      case 'object':
        break;
      default:
        return current;
    }
    if (current === null) return null;
    if (depth >= maxDepth) return TRUNCATED;
    if (seen.has(current)) return seen.get(current);
    const withToJson = current as { toJSON?: () => unknown };
    if (typeof withToJson.toJSON === 'function' && !Array.isArray(current)) {
      return walk(withToJson.toJSON(), path, depth + 1);
    }
    if (Array.isArray(current)) {
      const copy: unknown[] = [];
      seen.set(current, copy);
      current.forEach((item, index) => {
        copy.push(walk(item, [...path, index], depth + 1));
      });
      return copy;
    }
    const copy: Record<string, unknown> = {};
    seen.set(current, copy);
    for (const [key, item] of Object.entries(current)) {
      const masked = walk(item, [...path, key], depth + 1);
      if (masked !== undefined) copy[key] = masked;
    }
    return copy;
  };

  return { value: walk(value, [], 0), findings };
}
