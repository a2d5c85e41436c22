/**
 * The canary's arithmetic: which calls count against a handler, and what its counters decide. A handler
 * is asked about every request of its scope, and most are not its kind, so a null is not an error: it is
 * counted (abstentions) and the request falls through. Errors are exceptions, time-outs, invalid output
 * and negative feedback on its replies; trials are its replies plus its failed calls.
 */

import { canaryDecision, errorRateBounds } from './canary-stats.js';
import type { ArmCounters } from './capability-store.js';

/** Replies and failed calls of the canary arm (nulls excluded, see the module comment). */
export function canaryStats(counters: ArmCounters): { errors: number; trials: number } {
  const failures = counters.exceptions + counters.timeouts;
  return { errors: failures + counters.negative, trials: counters.replies + failures };
}

export interface CanaryVerdict {
  decision: 'promote' | 'rollback' | 'continue';
  errors: number;
  trials: number;
  lower: number;
  upper: number;
}

/**
 * Promote once the upper bound of the error rate (Wilson, 95%) is below `errorRate`; roll back as soon as
 * the lower bound is above it. With no errors, 1% needs about 380 replies.
 *
 * @example
 * judgeCanary({ trials: 400, replies: 400, abstentions: 0, exceptions: 0, timeouts: 0, negative: 0 }, 0.01).decision // 'promote'
 */
export function judgeCanary(counters: ArmCounters, errorRate: number): CanaryVerdict {
  const stats = canaryStats(counters);
  const bounds = errorRateBounds(stats.errors, stats.trials);
  return { decision: canaryDecision(stats, errorRate), ...stats, ...bounds };
}
