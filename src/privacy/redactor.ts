/**
 * The one place text is masked before it is persisted: interaction records, approvals, operator
 * reasons, feedback notes and audit records all go through a Redactor when PII detection is on.
 * Every primitive masks through it; which policy applies is the agent's config (see the audit section).
 */
import { createPiiDetector, type PiiDetector } from './detector.js';
import { maskValue, numberMayHoldPii } from './mask-value.js';
import { type MaskingKeys, type MaskPolicy, maskText } from './masking.js';

export interface Redactor {
  /** False: text passes through unchanged (PII detection is off). */
  readonly enabled: boolean;
  /** `text` with every detected PII span masked by the policy. */
  text(text: string): string;
  /** A masked deep copy of a JSON-like value (tool inputs and outputs). */
  value<Value>(value: Value): Value;
  /** `text` masked as the value of a property named `key` (the name read as context: `ssn: 219884410`). */
  field(key: string, text: string): string;
}

export interface RedactorOptions {
  enabled?: boolean;
  /** Strategy per PII type; default `{ default: 'redact' }` (`[EMAIL]`, `[CARD]` …). */
  policy?: MaskPolicy;
  /** HMAC key for `hash`, vault for `tokenize`. */
  keys?: MaskingKeys;
  detector?: PiiDetector;
}

/** Passes everything through: for stores of agents without audit PII detection. */
export const passThroughRedactor: Redactor = {
  enabled: false,
  text: (text) => text,
  value: (value) => value,
  field: (_key, text) => text,
};

/** Texts up to this long are remembered once masked (most messages; each is masked for its record and audit). */
const MEMO_MAX_CHARS = 2_048;
/** How many masked texts a redactor remembers (one agent's: a redactor is never shared across tenants). */
const MEMO_ENTRIES = 256;

let sharedDetector: PiiDetector | undefined;

/**
 * @example
 * const redactor = createRedactor({ policy: { default: 'redact', 'payment-card': 'partial' } });
 * redactor.text('card 4111 1111 1111 1111, mail jo@example.com') // 'card ****1111, mail [EMAIL]'
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  if (options.enabled === false) return passThroughRedactor;
  sharedDetector ??= createPiiDetector();
  const detector = options.detector ?? sharedDetector;
  const policy = options.policy ?? { default: 'redact' };
  const keys = options.keys ?? {};
  // Validates the policy against the keys once, here, rather than on the first message.
  maskText('', [], policy, keys);
  // A message is masked for its interaction row and again for each audit record that carries it: the same
  // text under the same policy masks the same way, so recent results are reused. Not with `tokenize`, whose
  // vault is told of every value it tokenizes.
  const memo = Object.values(policy).includes('tokenize') ? undefined : new Map<string, string>();
  const remembered = (key: string, mask: () => string): string => {
    if (!memo || key.length > MEMO_MAX_CHARS) return mask();
    const known = memo.get(key);
    if (known !== undefined) return known;
    const masked = mask();
    memo.set(key, masked);
    if (memo.size > MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
    return masked;
  };
  return {
    enabled: true,
    text(text) {
      if (typeof text !== 'string' || text.length === 0) return text;
      return remembered(`\u0000${text}`, () => {
        const findings = detector.detect(text);
        return findings.length === 0 ? text : maskText(text, findings, policy, keys).text;
      });
    },
    value<Value>(value: Value): Value {
      return maskValue(value, detector, policy, keys).value as Value;
    },
    field(key, text) {
      return remembered(`${key.length}:${key}\u0000${text}`, () => {
        const masked = maskValue({ [key]: text }, detector, policy, keys).value as Record<string, unknown>;
        return masked[key] as string;
      });
    },
  };
}

/**
 * Fields that hold identifiers and enums the pipeline itself writes (tool names, tiers, rules, hashes),
 * kept verbatim: read as context ("tool name: Write") they would look like PII to the detector.
 */
export const structuralFields: ReadonlySet<string> = new Set([
  'toolName',
  'toolUseId',
  'tier',
  'outcome',
  'errorCode',
  'kind',
  'status',
  'rule',
  'matchedPattern',
  'source',
  'approvalId',
  'patternId',
  'interactionId',
  'day',
  'timeZone',
  'configHash',
  'previousHash',
  'changedKeys',
  'sections',
  'recordIds',
  'seqs',
  'lastHash',
  'objectSha256',
  'model',
]);

/**
 * A masked copy of a JSON payload: every value is masked except structural fields (at any depth),
 * so `{ toolName: 'Write', input: { to: 'jo@example.com' } }` keeps its tool name.
 *
 * @example
 * maskPayload({ toolName: 'Write', input: { to: 'jo@example.com' } }, redactor)
 * // { toolName: 'Write', input: { to: '[EMAIL]' } }
 */
export function maskPayload<Value>(value: Value, redactor: Redactor): Value {
  if (!redactor.enabled) return value;
  return maskStructured(value, redactor, 0) as Value;
}

function maskStructured(value: unknown, redactor: Redactor, depth: number): unknown {
  if (Array.isArray(value))
    return depth > 8 ? redactor.value(value) : value.map((item) => maskStructured(item, redactor, depth + 1));
  if (!value || typeof value !== 'object' || depth > 8) return redactor.value(value);
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return redactor.value(value);
  const masked: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (structuralFields.has(key)) masked[key] = inner;
    else if (inner && typeof inner === 'object') masked[key] = maskStructured(inner, redactor, depth + 1);
    // The key stays beside its value, so `{ ssn: '219884410' }` is read with its context.
    else if (typeof inner === 'string') masked[key] = redactor.field(key, inner);
    else if (keptAsIs(inner)) masked[key] = inner;
    else masked[key] = (redactor.value({ [key]: inner }) as Record<string, unknown>)[key];
  }
  return masked;
}

/**
 * Leaves no policy ever masks, kept without a detector pass: booleans, null, and numbers too short to be a
 * phone, card or account number (the rule `maskValue` applies; a payload has a dozen counts and costs).
 */
function keptAsIs(value: unknown): boolean {
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value !== 'number') return false;
  return !numberMayHoldPii(value);
}
