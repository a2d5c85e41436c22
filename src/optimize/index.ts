/**
 * claude-steward/optimize: the cost fallback chain. This version holds the config schema and the tier
 * seam; the intelligent tier runs inside ClaudeAgent, cache and pattern tiers land with their issue.
 */
export {
  cacheRuleSchema,
  type OptimizationConfig,
  optimizationConfigSchema,
  type ResolvedOptimizationConfig,
  type TierName,
  tierNameSchema,
} from './config.js';
export type { AnswerTier, TierAnswer, TierContext } from './tier.js';
