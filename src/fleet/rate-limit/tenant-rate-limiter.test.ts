import { describe, expect, it } from 'vitest';
import { TenantRateLimiter } from './tenant-rate-limiter.js';

describe('TenantRateLimiter', () => {
  it('allows a burst, then one message per refill interval, and says when to retry', () => {
    let clock = 0;
    const limiter = new TenantRateLimiter({ perMinute: 60, burst: 3, now: () => clock });
    expect([1, 2, 3].map(() => limiter.take('acme').allowed)).toEqual([true, true, true]);
    expect(limiter.take('acme')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock += 999;
    expect(limiter.take('acme').allowed).toBe(false);
    clock += 1;
    expect(limiter.take('acme').allowed).toBe(true);
    expect(limiter.take('acme').allowed).toBe(false);
  });

  it("keeps tenants apart: one tenant's burst leaves another's budget whole", () => {
    const limiter = new TenantRateLimiter({ perMinute: 2, now: () => 0 });
    expect(limiter.take('noisy').allowed).toBe(true);
    expect(limiter.take('noisy').allowed).toBe(true);
    expect(limiter.take('noisy')).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.take('quiet').allowed).toBe(true);
    expect(limiter.take('quiet').allowed).toBe(true);
  });

  it("applies a tenant's own limit, and bounds the buckets it keeps", () => {
    const limiter = new TenantRateLimiter({ perMinute: 600, burst: 10, maxTenants: 100, now: () => 0 });
    expect(limiter.take('small', 1).allowed).toBe(true);
    expect(limiter.take('small', 1)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    for (let index = 0; index < 1000; index++) limiter.take(`tenant-${index}`);
    expect(limiter.size).toBe(100);
  });

  it('refuses a limit that is not a positive number', () => {
    expect(() => new TenantRateLimiter({ perMinute: 0 })).toThrow(/perMinute must be a number > 0/);
  });
});
