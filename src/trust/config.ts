/** The `trust` section of the ClaudeAgent config: levels, the rules that move them, and the tools each level allows. */
import { z } from 'zod';
import { durationSchema } from '../config/index.js';
import { checkPermissionConfig } from './permission-check.js';

const level = z.number().min(0).max(1);

/** Metrics a rule can watch. Rates are fractions 0..1 over the evaluation window; `escalation_attempts` is a count. */
export const trustMetricSchema = z.enum(['success_rate', 'error_rate', 'denial_rate', 'escalation_attempts']);
export type TrustMetric = z.infer<typeof trustMetricSchema>;

export const trustRuleSchema = z
  .object({
    /** The measured outcome the rule watches. */
    metric: trustMetricSchema,
    /** The value the metric must reach (rates are 0..1, `escalation_attempts` a count). */
    threshold: z.number().min(0),
    /** Which way the level moves when the rule fires. */
    action: z.enum(['increment', 'decrement']),
    /** How far the level moves (0..1). */
    amount: level.refine((value) => value > 0, { message: 'a number > 0 and <= 1' }),
  })
  .strict();
export type TrustRule = z.infer<typeof trustRuleSchema>;

/** Permission lists keyed by the lowest trust level (0..1) at which they apply. */
export const trustPermissionsSchema = z
  .record(z.string(), z.array(z.string().min(1)))
  .superRefine((permissions, context) => {
    for (const key of Object.keys(permissions)) {
      const value = Number(key);
      if (key.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `a trust level between 0 and 1 as the key (e.g. 0.3), not "${key}"`,
        });
      }
    }
  });

/** A per-tool override: always allow, always deny, or allow from a level of its own. */
export const toolOverrideSchema = z.union([
  z.enum(['allow', 'deny']),
  z.object({ minLevel: level }).strict(),
]);

export const trustConfigSchema = z
  .object({
    /** Level a new agent starts at; default 0.3. */
    initial: level.default(0.3),
    rules: z.array(trustRuleSchema).default([]),
    permissions: trustPermissionsSchema.default({}),
    /** Patterns denied at every level; a deny wins over every allow and every override. */
    deny: z.array(z.string().min(1)).default([]),
    /** Per-tool overrides keyed by pattern, e.g. `{ 'Bash(npm run test:*)': { minLevel: 0.5 }, WebFetch: 'deny' }`. */
    toolOverrides: z.record(z.string().min(1), toolOverrideSchema).default({}),
    /** The evaluation window: outcomes newer than `duration`, at most the last `lastN`; default 7d and 100. */
    window: z
      .object({ duration: durationSchema.default('7d'), lastN: z.number().int().min(1).default(100) })
      .strict()
      .default({ duration: '7d', lastN: 100 }),
    /** No rule fires on fewer outcomes than this in the window; default 20. */
    minSamples: z.number().int().min(1).default(20),
    /** Confidence of the bound promotions are judged on (Wilson score interval); default 0.95. */
    confidence: z.number().gt(0).lt(1).default(0.95),
    /** No rule fires for this long after a change; default 1h. */
    cooldown: durationSchema.default('1h'),
    floor: level.default(0),
    ceiling: level.default(1),
    /** The most trust that can be gained per UTC day; default 0.2. */
    maxDailyGain: level.default(0.2),
    /** Idle decay toward the floor: after `idleAfter` without outcomes, lose `amount` per `every`. Off when omitted. */
    decay: z
      .object({ idleAfter: durationSchema, amount: level, every: durationSchema.default('1d') })
      .strict()
      .optional(),
    /** Ask an operator instead of denying a call above the level; the run waits up to `timeout`, then it is denied. */
    approval: z
      .object({ enabled: z.boolean().default(true), timeout: durationSchema.default('5m') })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.floor > config.ceiling) {
      context.addIssue({
        code: 'custom',
        path: ['floor'],
        message: `a floor <= the ceiling (${config.ceiling})`,
      });
    }
    config.rules.forEach((rule, index) => {
      if (rule.metric !== 'success_rate' && rule.action === 'decrement' && rule.threshold === 0) {
        context.addIssue({
          code: 'custom',
          path: ['rules', index, 'threshold'],
          message: `a threshold > 0 (a ${rule.metric} of 0 or more always holds, so the rule would fire on every evaluation)`,
        });
      }
    });
    if (config.initial < config.floor || config.initial > config.ceiling) {
      context.addIssue({
        code: 'custom',
        path: ['initial'],
        message: `a level within [floor ${config.floor}, ceiling ${config.ceiling}]`,
      });
    }
    // Patterns parse, and a higher level's list covers every pattern of each lower one.
    for (const issue of checkPermissionConfig(config).issues) {
      context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });

export type TrustConfig = z.input<typeof trustConfigSchema>;
export type ResolvedTrustConfig = z.output<typeof trustConfigSchema>;
