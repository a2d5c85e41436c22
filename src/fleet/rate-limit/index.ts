/** Per-tenant message rate limits. */
export {
  type RateDecision,
  TenantRateLimiter,
  type TenantRateLimiterOptions,
} from './tenant-rate-limiter.js';
