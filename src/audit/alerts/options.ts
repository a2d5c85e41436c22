/** The alert engine's options: which alerts are on, dedup, memory bounds and each detector's thresholds. */
import { z } from 'zod';
import { alertTypes } from './types.js';

const isFunction = (value: unknown) => typeof value === 'function';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const rateSchema = z
  .object({
    /** Records counted as the agent's traffic; default `['message-received']`. */
    eventTypes: z.array(z.string().min(1)).min(1).default(['message-received']),
    /** Bucket length; default 5 min. */
    bucketMs: z
      .number()
      .int()
      .min(1_000)
      .default(5 * MINUTE),
    /** EWMA weight of the newest bucket in the baseline; default 0.1 (about the last 10 buckets). */
    smoothing: z.number().gt(0).lt(1).default(0.1),
    /** Alert above mean + `deviations` × stddev; default 4. */
    deviations: z.number().positive().default(4),
    /** …and at least this many records in the bucket; default 30. */
    minCount: z.number().int().min(1).default(30),
    /** Closed buckets before the baseline is trusted; default 12 (an hour of 5-minute buckets). */
    minBaselineBuckets: z.number().int().min(1).default(12),
    /**
     * Empty buckets between two active ones enter the baseline as zeros up to this many; a longer
     * gap is the agent being idle (night, weekend) and leaves the baseline as it was. Default 12.
     */
    maxIdleBuckets: z.number().int().min(0).default(12),
  })
  .strict();

const newToolSchema = z
  .object({
    /** No new-tool alerts until the agent has been seen this long; default 1 day. */
    warmUpMs: z.number().int().min(0).default(DAY),
    /** Tools remembered per agent; past it, new tools are not tracked (nor alerted). Default 1,000. */
    maxToolsPerAgent: z.number().int().min(1).default(1_000),
  })
  .strict();

const unusualHoursSchema = z
  .object({
    /** History needed before hours are judged; default 14 days. */
    minHistoryMs: z
      .number()
      .int()
      .min(0)
      .default(14 * DAY),
    /** Active hours needed in that history; default 24. */
    minActiveHours: z.number().int().min(1).default(24),
    /** An hour of the week active at most this many times before is unusual; default 0 (never). */
    maxPriorActiveHours: z.number().int().min(0).default(0),
    /** Records in the hour before it counts as a burst; default 10. */
    minEvents: z.number().int().min(1).default(10),
  })
  .strict();

const escalationSchema = z
  .object({
    /** Denials above the agent's level within `deniedWindowMs` that alert; default 5. */
    deniedAttempts: z.number().int().min(2).default(5),
    /** Default 10 min. */
    deniedWindowMs: z
      .number()
      .int()
      .min(1_000)
      .default(10 * MINUTE),
  })
  .strict();

/**
 * @example
 * const options = alertEngineOptionsSchema.parse({ alerts: ['permission_escalation'], rate: { minCount: 50 } });
 */
export const alertEngineOptionsSchema = z
  .object({
    /** The alert types raised (`audit.analytics.alerts`); default none. */
    alerts: z.array(z.enum(alertTypes)).default([]),
    /** The same dedupKey within this long alerts once; default 1 h. */
    dedupWindowMs: z.number().int().min(0).default(HOUR),
    /** Agents (tenant + agent) whose state is kept; the least recently seen are dropped. Default 10,000. */
    maxAgents: z.number().int().min(1).default(10_000),
    /** Dedup keys remembered; default 100,000. */
    maxDedupKeys: z.number().int().min(1).default(100_000),
    rate: rateSchema.default(rateSchema.parse({})),
    newTool: newToolSchema.default(newToolSchema.parse({})),
    unusualHours: unusualHoursSchema.default(unusualHoursSchema.parse({})),
    escalation: escalationSchema.default(escalationSchema.parse({})),
    /** Epoch ms; inject a fake clock in tests. Default `Date.now`. */
    now: z.custom<() => number>(isFunction, 'a function returning epoch ms').optional(),
    /** Alert ids; default `crypto.randomUUID`. */
    generateId: z.custom<() => string>(isFunction, 'a function returning a unique id').optional(),
  })
  .strict();

export type AlertEngineOptions = z.input<typeof alertEngineOptionsSchema>;
export type ResolvedAlertEngineOptions = z.output<typeof alertEngineOptionsSchema>;
