/** The `optimization` section of the ClaudeAgent config. */
import { z } from 'zod';
import { type TierName, tierNames } from '../pipeline/index.js';
import { pricingOverridesSchema } from './pricing.js';

const seconds = z.number().int().min(1);

export const cacheRuleSchema = z.union([
  z
    .object({
      /** A named intent (`greeting`, `thanks` …) or a regular expression. */
      pattern: z.string().min(1),
      /** Seconds a served answer stays valid. */
      ttl: seconds,
      /** The reply to serve; omitted means "cache the model's first answer". */
      response: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      /** Minimum cosine similarity (0..1) for a semantic hit. */
      similarity: z.number().min(0).max(1),
      ttl: seconds,
    })
    .strict(),
]);

export const tierNameSchema = z.enum(tierNames);
export type { TierName };

export const optimizationConfigSchema = z
  .object({
    enableCache: z.boolean().default(true),
    cacheRules: z.array(cacheRuleSchema).default([]),
    patterns: z
      .object({
        /** Turn repeated requests with one consistent model answer into patterns on their own. */
        autoDetect: z.boolean().default(false),
        /** Model answers with the same answer a pattern needs before it is served. */
        minFrequency: z.number().int().min(1).default(10),
        /**
         * Share (0..1) of the similarity-weighted votes of a request's nearest observed requests that
         * must go to one pattern's answer before the pattern serves it.
         */
        confidence: z.number().min(0).max(1).default(0.9),
        /** USD recorded for each pattern answer (embedding and lookup), default 0.001. */
        costPerAnswer: z.number().min(0).default(0.001),
        /** Nearest observed requests that vote; default 10. */
        neighbors: z.number().int().min(1).max(100).default(10),
        /** Cosine similarity the nearest request with the winning answer must reach; default 0.5. */
        minSimilarity: z.number().min(-1).max(1).default(0.5),
        /**
         * 'serve': active patterns answer requests. 'shadow': they only say what they would have answered,
         * the model still answers, and each pattern counts how often the model agreed (see `list`), so
         * patterns can be judged on live traffic before they answer anyone.
         */
        mode: z.enum(['serve', 'shadow']).default('serve'),
        /** Observed requests kept per tenant, agent and answer shape (oldest dropped first); default 20,000. */
        maxObservations: z.number().int().min(10).default(20_000),
      })
      .strict()
      .optional(),
    budget: z
      .object({
        /** USD per tenant and agent per calendar day. */
        daily: z.number().min(0).optional(),
        /** USD ceiling for one model run (passed to the SDK as maxBudgetUsd). */
        perRequest: z.number().gt(0).optional(),
        /** Fraction (0..1) of the daily budget at which `budget-threshold-crossed` fires. */
        alertThreshold: z.number().min(0).max(1).default(0.8),
        /** IANA time zone whose calendar day the daily budget covers (e.g. 'Europe/Berlin'); default 'UTC'. */
        timeZone: z
          .string()
          .refine(isTimeZone, { message: "an IANA time zone such as 'UTC' or 'America/New_York'" })
          .optional(),
        /**
         * The reply sent when the budget is spent and neither cache nor pattern can answer; default
         * `defaultFallbackReply` (optimize/budget).
         */
        fallbackReply: z.string().min(1).optional(),
        /** Prices (USD per million tokens) by model id, over the built-in table (see optimize/pricing.ts). */
        pricing: pricingOverridesSchema.optional(),
      })
      .strict()
      .optional(),
    fallback: z
      .array(tierNameSchema)
      .min(1)
      .refine((tiers) => new Set(tiers).size === tiers.length, { message: 'each tier at most once' })
      .default(['cache', 'pattern', 'intelligent']),
  })
  .strict();

export type OptimizationConfig = z.input<typeof optimizationConfigSchema>;
export type ResolvedOptimizationConfig = z.output<typeof optimizationConfigSchema>;

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
