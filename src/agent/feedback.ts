/**
 * Feedback on an interaction comes from that interaction's customer or from an operator (issue 12): a
 * customer rating someone else's interaction is told it does not exist, and each customer gets a few
 * ratings a minute, so one sender cannot demote the agent.
 */
import { StewardError } from '../errors/index.js';
import type { InteractionRecord } from '../store/index.js';

/**
 * Who gives feedback: the customer the interaction answered (the same `customerKey` its message carried),
 * or an operator, named as the audit log's actor (e.g. `key:k3x9a0c1m2q7 (ops console)`).
 */
export type FeedbackAuthor = { customerKey: string } | { operator: string };

/** The feedback author's audit actor: the operator, or the customer by a prefix of their keyed hash. */
export function feedbackActor(
  author: FeedbackAuthor | undefined,
  hash: string | undefined,
): string | undefined {
  if (author && 'operator' in author) return author.operator;
  return hash === undefined ? undefined : `customer:${hash.slice(0, 16)}`;
}

/** Checks the shape of an author given at runtime (a route may pass anything). */
export function checkFeedbackAuthor(author: unknown): FeedbackAuthor | undefined {
  if (author === undefined) return undefined;
  if (typeof author === 'object' && author !== null) {
    const { customerKey, operator } = author as Record<string, unknown>;
    if (typeof customerKey === 'string' && customerKey.length > 0 && operator === undefined)
      return { customerKey };
    if (typeof operator === 'string' && operator.trim() !== '' && customerKey === undefined)
      return { operator };
  }
  throw new StewardError('invalid-request', 'feedback author must be { customerKey } or { operator }');
}

/** True when `author` may rate `record`: an operator always, a customer only their own interaction. */
export function mayRate(record: InteractionRecord, authorHash: string | undefined): boolean {
  return authorHash === undefined || record.customerHash === authorHash;
}

export type FeedbackDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A token bucket per customer (refilled continuously at `perMinute`, holding at most `perMinute`), in
 * process; past `maxCustomers` the bucket idle longest goes (most likely refilled anyway).
 */
export class FeedbackLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();
  private readonly perMinute: number;
  private readonly maxCustomers: number;
  private readonly now: () => number;

  constructor(options: { perMinute: number; maxCustomers?: number; now: () => number }) {
    this.perMinute = options.perMinute;
    this.maxCustomers = options.maxCustomers ?? 100_000;
    this.now = options.now;
  }

  /** Takes one rating of `customer`'s allowance, or says how many seconds until there is one. */
  take(customer: string): FeedbackDecision {
    const now = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(customer);
    const elapsed = bucket ? Math.max(0, now - bucket.updatedAt) : 0;
    const tokens = bucket ? Math.min(this.perMinute, bucket.tokens + elapsed * ratePerMs) : this.perMinute;
    // Most recently used last, so the first key is the one idle longest.
    this.buckets.delete(customer);
    if (tokens < 1) {
      this.buckets.set(customer, { tokens, updatedAt: now });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000)) };
    }
    this.buckets.set(customer, { tokens: tokens - 1, updatedAt: now });
    if (this.buckets.size > this.maxCustomers) this.buckets.delete(this.buckets.keys().next().value!);
    return { allowed: true };
  }
}
