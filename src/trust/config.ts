/** The `trust` section of the ClaudeAgent config. */
import { z } from 'zod';

const level = z.number().min(0).max(1);

export const trustRuleSchema = z
  .object({
    /** The measured outcome the rule watches. */
    metric: z.enum(['success_rate', 'error_rate', 'denial_rate', 'escalation_attempts']),
    /** The value the metric must cross (rates are 0..1). */
    threshold: z.number().min(0),
    /** Which way the level moves when the rule fires. */
    action: z.enum(['increment', 'decrement']),
    /** How far the level moves (0..1). */
    amount: level.refine((value) => value > 0, { message: 'a number > 0 and <= 1' }),
  })
  .strict();

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

export const trustConfigSchema = z
  .object({
    /** Level a new agent starts at; default 0.3. */
    initial: level.default(0.3),
    rules: z.array(trustRuleSchema).default([]),
    permissions: trustPermissionsSchema.default({}),
  })
  .strict();

export type TrustConfig = z.input<typeof trustConfigSchema>;
export type ResolvedTrustConfig = z.output<typeof trustConfigSchema>;
