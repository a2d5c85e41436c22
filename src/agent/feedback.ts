/**
 * Feedback on an interaction comes from that interaction's customer or from an operator (issue 12): a
 * customer rating someone else's interaction is told it does not exist, and each customer gets a few
 * ratings a minute, so one sender cannot demote the agent.
 */
import { StewardError } from '../errors/index.js';
import type { EventBus } from '../events/index.js';
import type { Primitive } from '../pipeline/index.js';
import type { Redactor } from '../privacy/index.js';
import type { InteractionRecord, StewardStore } from '../store/index.js';
import { customerActor } from './customers.js';

/**
 * Who gives feedback: the customer the interaction answered (the same `customerKey` its message carried),
 * or an operator, named as the audit log's actor (e.g. `key:k3x9a0c1m2q7 (ops console)`).
 */
export type FeedbackAuthor = { customerKey: string } | { operator: string };

/** What `giveFeedback` works with: the agent's opened parts. */
export interface FeedbackContext {
  tenantId: string;
  agentId: string;
  store: StewardStore;
  primitives: readonly Primitive[];
  events: EventBus;
  redactor: Redactor;
  limiter: FeedbackLimiter;
  now: () => number;
  /** The keyed hash of a customer (agent/customers.ts). */
  customerHashOf(customerKey: string): Promise<string>;
}

export interface FeedbackInput {
  interactionId: string;
  rating: 'positive' | 'negative';
  note?: string;
  by?: FeedbackAuthor;
}

/**
 * `agent.feedback`: checks the input and the author, stores the rating (the note masked), tells the
 * primitives (trust counts a negative one as an error) and emits `interaction-feedback-given`.
 */
export async function giveFeedback(context: FeedbackContext, input: FeedbackInput): Promise<void> {
  const { tenantId, agentId, store } = context;
  const { interactionId, rating, note } = input;
  if (rating !== 'positive' && rating !== 'negative') {
    throw new StewardError(
      'invalid-request',
      `rating must be "positive" or "negative", received ${JSON.stringify(rating)}`,
    );
  }
  if (note !== undefined && (typeof note !== 'string' || note.length > 2000)) {
    throw new StewardError('invalid-request', 'note must be a string of at most 2000 characters');
  }
  const author = checkFeedbackAuthor(input.by);
  const authorHash =
    author && 'customerKey' in author ? await context.customerHashOf(author.customerKey) : undefined;
  if (authorHash !== undefined) {
    // Every attempt counts, found or not: probing for other customers' interactions is limited too.
    const decision = context.limiter.take(authorHash);
    if (!decision.allowed) {
      throw new StewardError(
        'rate-limited',
        `too much feedback from this customer; try again in ${decision.retryAfterSeconds} s`,
        { details: { retryAfterSeconds: decision.retryAfterSeconds } },
      );
    }
  }
  const record = await store.interactions.get(tenantId, interactionId);
  if (!record || record.agentId !== agentId || !mayRate(record, authorHash)) {
    throw new StewardError('not-found', `agent ${agentId} has no interaction "${interactionId}"`);
  }
  const at = context.now();
  await store.interactions.setFeedback(tenantId, interactionId, {
    rating,
    at,
    ...(note === undefined ? {} : { note: context.redactor.text(note) }),
  });
  for (const primitive of context.primitives) await primitive.onFeedback?.({ interactionId, rating, at });
  const actor = feedbackActor(author, authorHash);
  await context.events.emit('interaction-feedback-given', {
    tenantId,
    agentId,
    at,
    interactionId,
    rating,
    ...(note === undefined ? {} : { note }),
    ...(actor === undefined ? {} : { actor }),
  });
}

/** The feedback author's audit actor: the operator, or the customer by a prefix of their keyed hash. */
export function feedbackActor(
  author: FeedbackAuthor | undefined,
  hash: string | undefined,
): string | undefined {
  if (author && 'operator' in author) return author.operator;
  return hash === undefined ? undefined : customerActor(hash);
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
