/**
 * A message rate limit per tenant, so one tenant's burst does not starve the others: a token bucket per
 * tenant (refilled continuously at `perMinute`, holding at most `burst`), kept in process per instance.
 * Memory is bounded: past `maxTenants` the least recently used bucket goes (the tenant idle longest,
 * whose bucket has most likely refilled anyway).
 */
import { StewardError } from '../../errors/index.js';

export interface TenantRateLimiterOptions {
  /** Messages a tenant may send per minute, sustained. */
  perMinute: number;
  /** Messages a tenant may send at once after a quiet spell; default `perMinute`. */
  burst?: number;
  /** Buckets kept at most; default 100,000. */
  maxTenants?: number;
  now?: () => number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * @example
 * const limiter = new TenantRateLimiter({ perMinute: 60, burst: 10 });
 * const decision = limiter.take('acme', 60); // the tenant's own limit, when it has one
 * if (!decision.allowed) return c.json(…, 429, { 'retry-after': String(decision.retryAfterSeconds) });
 */
export class TenantRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMinute: number;
  private readonly burst: number;
  private readonly maxTenants: number;
  private readonly now: () => number;

  constructor(options: TenantRateLimiterOptions) {
    this.perMinute = positive(options.perMinute, 'perMinute');
    this.burst = positive(options.burst ?? options.perMinute, 'burst');
    this.maxTenants = positive(options.maxTenants ?? 100_000, 'maxTenants');
    this.now = options.now ?? Date.now;
  }

  /** Takes one message from the tenant's bucket; `perMinute` overrides the default rate for this tenant. */
  take(tenantId: string, perMinute = this.perMinute): RateDecision {
    const rate = perMinute / 60_000;
    const burst = perMinute === this.perMinute ? this.burst : Math.max(1, Math.min(this.burst, perMinute));
    const now = this.now();
    const bucket = this.buckets.get(tenantId);
    let tokens = burst;
    if (bucket) {
      tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedAt) * rate);
      this.buckets.delete(tenantId);
    }
    if (tokens < 1) {
      this.buckets.set(tenantId, { tokens, updatedAt: now });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / rate / 1000)) };
    }
    this.buckets.set(tenantId, { tokens: tokens - 1, updatedAt: now });
    if (this.buckets.size > this.maxTenants) this.buckets.delete(this.buckets.keys().next().value!);
    return { allowed: true };
  }

  /** Tenants with a bucket in memory. */
  get size(): number {
    return this.buckets.size;
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new StewardError('invalid-config', `${name} must be a number > 0, received ${value}`);
  }
  return value;
}
