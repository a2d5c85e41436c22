/**
 * Exact-match keys for the cache: a normalised request text, and a SHA-256 key that also binds the
 * tenant, the agent and everything that shapes an answer, so no entry can be served across them.
 */
import { createHash } from 'node:crypto';

// Apostrophes are dropped rather than spaced, so "don't" and "dont" share a key.
const APOSTROPHES = /['’ʼ‘`´]/g;
// Thousands separators ("1,000") are dropped so "1,000" and "1000" share a key.
const THOUSANDS_SEPARATOR = /(?<=\d),(?=\d{3}(?!\d))/g;
// A decimal point between digits ("3.50") is kept; every other punctuation mark becomes a space.
// `%` is kept, and symbols (currency signs, +, emoji) are not punctuation so they stay too.
const PUNCTUATION = /(?!(?<=\d)\.(?=\d))(?!%)[\p{P}\p{Sk}]/gu;
// Zero-width and other invisible format characters.
const INVISIBLE = /\p{Cf}/gu;
const WHITESPACE = /[\s\p{Cc}]+/gu;
// Case folding beyond toLowerCase: the few characters whose fold is not their lower case.
const FOLDS: Record<string, string> = { ß: 'ss', ẞ: 'ss', ς: 'σ' };
const FOLDABLE = /[ßẞς]/g;

/**
 * The form of a request that exact cache keys are computed from: Unicode NFKC, case folded,
 * punctuation removed except where it changes meaning (decimal points inside numbers, `%`, currency
 * signs), whitespace collapsed. Words are never dropped: "please" and "not" stay.
 *
 * @example
 * normalizeRequest('  What TIME do you open?? ') // 'what time do you open'
 * normalizeRequest('Refund $1,000.50 — 10% off!') // 'refund $1000.50 10% off'
 */
export function normalizeRequest(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(FOLDABLE, (character) => FOLDS[character] ?? character)
    .replace(INVISIBLE, '')
    .replace(APOSTROPHES, '')
    .replace(THOUSANDS_SEPARATOR, '')
    .replace(PUNCTUATION, ' ')
    .replace(WHITESPACE, ' ')
    .trim();
}

/** Whose cache an entry belongs to: entries never match across any of these. */
export interface CacheScope {
  tenantId: string;
  agentId: string;
  /** From `shapeHash`: what shapes the answer (system prompt, model, tools, run limits, the policy in force). */
  shapeHash: string;
}

/** What, besides the request, decides an agent's answer. */
export interface AnswerShape {
  systemPrompt?: string;
  model?: string;
  /** Tool names the agent may call; order and duplicates do not matter. */
  tools: string[];
  /** Turns and output tokens a run may use: a tighter limit can cut an answer short. */
  limits?: { maxTurns: number; maxOutputTokens: number };
  /**
   * A fingerprint of the policy in force for this run (trust: the permission list at the agent's level, the
   * deny list and the overrides), so an answer given under one policy is never served under another.
   */
  policyKey?: string;
}

// v2: the policy in force replaced the trust band's label, and run limits joined the shape.
const KEY_VERSION = 'steward-cache-v2';

/**
 * A SHA-256 hex digest of what shapes an answer; a change to any part gives a new scope, so stale
 * answers are never served after the prompt, model, tools, limits or the policy in force change.
 *
 * @example shapeHash({ model: 'claude-sonnet-4-5', tools: ['lookup_order', 'refund'] }) // '3f1c…' (64 hex)
 */
export function shapeHash(parts: AnswerShape): string {
  const tools = [...new Set(parts.tools)].sort();
  return sha256Hex(
    JSON.stringify([
      KEY_VERSION,
      'shape',
      parts.systemPrompt ?? null,
      parts.model ?? null,
      tools,
      parts.limits ? [parts.limits.maxTurns, parts.limits.maxOutputTokens] : null,
      parts.policyKey ?? null,
    ]),
  );
}

/**
 * The exact-match key of a normalised request within a scope (SHA-256 hex). The parts are encoded as
 * a JSON array, so no two different (scope, text) pairs can produce the same input to the hash.
 *
 * @example exactKey({ tenantId: 't1', agentId: 'a1', shapeHash: shape }, normalizeRequest(text))
 */
export function exactKey(scope: CacheScope, normalized: string): string {
  return sha256Hex(
    JSON.stringify([KEY_VERSION, 'exact', scope.tenantId, scope.agentId, scope.shapeHash, normalized]),
  );
}

/** A string that names a scope, for maps keyed by scope (not a secret, not a hash). */
export function scopeKey(scope: CacheScope): string {
  return JSON.stringify([scope.tenantId, scope.agentId, scope.shapeHash]);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The cache scope of a request: the shape hash of `shape` plus the policy in force for the request's run
 * (set on the turn by the primitives that decide it), computed once per policy.
 *
 * @example
 * const scopeOf = createScoper({ tools: ['Read'] });
 * scopeOf({ tenantId: 'acme', agentId: 'desk', policyKey: '9c2e…' }) // { tenantId, agentId, shapeHash }
 */
export function createScoper(
  shape: AnswerShape,
): (request: { tenantId: string; agentId: string; policyKey?: string }) => CacheScope {
  const hashes = new Map<string, string>();
  return (request) => {
    const policy = request.policyKey ?? '';
    let hash = hashes.get(policy);
    if (!hash) {
      hash = shapeHash({ ...shape, ...(request.policyKey ? { policyKey: request.policyKey } : {}) });
      hashes.set(policy, hash);
    }
    return { tenantId: request.tenantId, agentId: request.agentId, shapeHash: hash };
  };
}

/** A vector as stored in a text column (base64 of its bytes). */
export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

/** The vector `encodeVector` stored. */
export function decodeVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
