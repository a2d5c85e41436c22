/**
 * Masking: replaces detected PII in text (and in JSON-like values) by a label, a partial value, a
 * keyed hash or a reversible token, chosen per type by a policy. Pure apart from the vault.
 */
import { createHmac } from 'node:crypto';
import { InvalidConfigError } from '../errors/index.js';
import { maskPartially } from './partial.js';
import type { TokenVault } from './token-vault.js';
import type { PiiFinding, PiiType } from './types.js';

/**
 * - `redact`: `[EMAIL]`
 * - `partial`: `****1234` (cards, phones, SSNs), `j***@example.com`, `203.0.113.*`; types with no
 *   safe partial form (secrets, addresses) are redacted
 * - `hash`: `[EMAIL:3f9a0c…]`, HMAC-SHA256 under `keys.hashKey`, equal for equal values (joins)
 * - `tokenize`: `[EMAIL:tok_email_…]`, reversible with `keys.vault`
 */
export type MaskStrategy = 'redact' | 'partial' | 'hash' | 'tokenize';

export const maskStrategies: readonly MaskStrategy[] = ['redact', 'partial', 'hash', 'tokenize'];

/** A strategy per type, and one for every type not listed. */
export type MaskPolicy = Partial<Record<PiiType, MaskStrategy>> & { default: MaskStrategy };

export interface MaskingKeys {
  /** HMAC key for `hash`: at least 16 bytes. Rotating it changes every hash. */
  hashKey?: string | Uint8Array;
  /** Vault for `tokenize`. */
  vault?: TokenVault;
}

/** Where a replacement sits in the masked text, and what it replaced. */
export interface MaskedSpan {
  type: PiiType;
  /** Offsets in the masked output, not in the original. */
  start: number;
  end: number;
  strategy: MaskStrategy;
}

export interface MaskTextResult {
  text: string;
  findings: MaskedSpan[];
}

/** The label each type is redacted to, e.g. `[CARD]`. */
export const PII_LABELS: Readonly<Record<PiiType, string>> = {
  email: 'EMAIL',
  phone: 'PHONE',
  'payment-card': 'CARD',
  'us-ssn': 'SSN',
  iban: 'IBAN',
  'ip-address': 'IP',
  'date-of-birth': 'DOB',
  'street-address': 'ADDRESS',
  'person-name': 'NAME',
  secret: 'SECRET',
  'url-credentials': 'CREDENTIALS',
  'medical-record-number': 'MRN',
  'health-plan-id': 'HEALTH_PLAN_ID',
};

const MIN_HASH_KEY_BYTES = 16;
const HASH_HEX_LENGTH = 16;

/**
 * Replaces every finding in `text` according to `policy`. Overlapping findings are merged into
 * one span (masked as the highest-scoring type) so no fragment of either survives; spans are
 * replaced right to left so the earlier ones stay valid.
 *
 * @example
 * const text = 'Mail jo@example.com';
 * maskText(text, detectPii(text), { default: 'redact' }).text; // 'Mail [EMAIL]'
 */
export function maskText(
  text: string,
  findings: readonly PiiFinding[],
  policy: MaskPolicy,
  keys: MaskingKeys = {},
): MaskTextResult {
  assertMaskPolicy(policy, keys);
  const spans = mergeOverlapping(findings, text.length);
  // Replacements are computed in reading order (so tokens number in order), then the text is
  // rebuilt right to left from the original spans, which therefore stay valid throughout.
  const replacements = spans.map((span) => {
    const strategy = policy[span.type] ?? policy.default;
    return { strategy, text: maskReplacement(span.type, text.slice(span.start, span.end), strategy, keys) };
  });
  const parts: string[] = [];
  let cursor = text.length;
  for (let index = spans.length - 1; index >= 0; index--) {
    const span = spans[index]!;
    parts.push(text.slice(span.end, cursor), replacements[index]!.text);
    cursor = span.start;
  }
  parts.push(text.slice(0, cursor));
  const masked = parts.reverse().join('');
  // Offsets in the output: each span moves by how much the replacements before it changed the length.
  let shift = 0;
  const output: MaskedSpan[] = spans.map((span, index) => {
    const replacement = replacements[index]!;
    const start = span.start + shift;
    shift += replacement.text.length - (span.end - span.start);
    return { type: span.type, start, end: start + replacement.text.length, strategy: replacement.strategy };
  });
  return { text: masked, findings: output };
}

/**
 * The text that replaces one PII `value` of `type` under `strategy`.
 *
 * @example maskReplacement('payment-card', '4111 1111 1111 1111', 'partial', {}) // '****1111'
 */
export function maskReplacement(
  type: PiiType,
  value: string,
  strategy: MaskStrategy,
  keys: MaskingKeys,
): string {
  const label = PII_LABELS[type];
  switch (strategy) {
    case 'redact':
      return `[${label}]`;
    case 'partial':
      return maskPartially(type, value) ?? `[${label}]`;
    case 'hash':
      return `[${label}:${keyedHash(type, value, requireHashKey(keys))}]`;
    case 'tokenize':
      return `[${label}:${requireVault(keys).tokenize(type, value)}]`;
  }
}

/**
 * Replaces the tokens `tokenize` left in `text` by the original values the vault holds; anything
 * else in brackets (labels, hashes, unknown tokens) is left as it is.
 *
 * @example detokenizeText('Mail [EMAIL:tok_email_1a2b]', vault) // 'Mail jo@example.com'
 */
export function detokenizeText(text: string, vault: TokenVault): string {
  return text.replace(/\[([A-Z_]+):([A-Za-z0-9_.-]+)\]/g, (whole, _label: string, token: string) => {
    return vault.detokenize(token) ?? whole;
  });
}

/**
 * HMAC-SHA256 of the normalised value, first 16 hex characters: stable per key, type and value.
 *
 * @example keyedHash('phone', '(415) 555-2671', key) === keyedHash('phone', '415.555.2671', key) // true
 */
export function keyedHash(type: PiiType, value: string, key: string | Uint8Array): string {
  return createHmac('sha256', key)
    .update(`${type}:${normalise(type, value)}`)
    .digest('hex')
    .slice(0, HASH_HEX_LENGTH);
}

/** Equal values written differently ("(415) 555-2671" / "415.555.2671") hash the same. */
function normalise(type: PiiType, value: string): string {
  switch (type) {
    case 'phone':
    case 'payment-card':
    case 'us-ssn':
      return value.replace(/\D/g, '');
    case 'iban':
    case 'medical-record-number':
    case 'health-plan-id':
      return value.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    case 'email':
    case 'ip-address':
    case 'person-name':
      return value.trim().replace(/\s+/g, ' ').toLowerCase();
    default:
      return value.trim().replace(/\s+/g, ' ');
  }
}

interface Span {
  type: PiiType;
  start: number;
  end: number;
  score: number;
}

/** Sorted, clamped, overlaps merged (the union masked as its highest-scoring type). */
function mergeOverlapping(findings: readonly PiiFinding[], length: number): Span[] {
  const spans = findings
    .map((finding) => ({
      type: finding.type,
      start: Math.max(0, Math.min(length, Math.floor(finding.start))),
      end: Math.max(0, Math.min(length, Math.ceil(finding.end))),
      score: Number.isFinite(finding.score) ? finding.score : 0,
    }))
    .filter((span) => span.end > span.start && PII_LABELS[span.type] !== undefined)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
      if (span.score > last.score) {
        last.type = span.type;
        last.score = span.score;
      }
    } else {
      merged.push({ ...span });
    }
  }
  return merged;
}

/**
 * Throws InvalidConfigError unless every strategy in `policy` is known and the keys it needs are
 * there (a hash key of 16+ bytes for `hash`, a vault for `tokenize`): misconfiguration surfaces at
 * start-up, not the first time PII shows up.
 *
 * @example assertMaskPolicy({ default: 'redact', email: 'hash' }, { hashKey: process.env.PII_HASH_KEY });
 */
export function assertMaskPolicy(policy: MaskPolicy, keys: MaskingKeys = {}): void {
  const used = new Set<unknown>(Object.values(policy));
  for (const strategy of used) {
    if (!maskStrategies.includes(strategy as MaskStrategy)) {
      throw new InvalidConfigError(
        [
          {
            path: 'policy',
            received: JSON.stringify(strategy),
            expected: `one of ${maskStrategies.join(', ')}`,
          },
        ],
        'masking policy',
      );
    }
  }
  if (typeof policy.default !== 'string') {
    throw new InvalidConfigError(
      [
        {
          path: 'policy.default',
          received: 'nothing',
          expected: 'a strategy for types the policy does not list',
        },
      ],
      'masking policy',
    );
  }
  if (used.has('hash')) requireHashKey(keys);
  if (used.has('tokenize')) requireVault(keys);
}

function requireHashKey(keys: MaskingKeys): string | Uint8Array {
  const key = keys.hashKey;
  const bytes = typeof key === 'string' ? Buffer.byteLength(key) : (key?.byteLength ?? 0);
  if (key === undefined || bytes < MIN_HASH_KEY_BYTES) {
    throw new InvalidConfigError(
      [
        {
          path: 'keys.hashKey',
          received: key === undefined ? 'nothing' : `a key of ${bytes} bytes`,
          expected: `a secret of at least ${MIN_HASH_KEY_BYTES} bytes (string or Uint8Array), kept outside the audit store, when a type is masked with "hash"`,
        },
      ],
      'masking keys',
    );
  }
  return key;
}

function requireVault(keys: MaskingKeys): TokenVault {
  if (!keys.vault) {
    throw new InvalidConfigError(
      [
        {
          path: 'keys.vault',
          received: 'nothing',
          expected:
            'a TokenVault (createInMemoryTokenVault() in tests) when a type is masked with "tokenize"',
        },
      ],
      'masking keys',
    );
  }
  return keys.vault;
}
