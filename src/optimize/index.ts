/**
 * claude-steward/optimize: the cost fallback chain. Cache tier ($0: exact, rules, semantic), pattern
 * tier (~$0.001: repeated requests with one consistent answer), daily budgets that hold across
 * instances, the pricing table, and cost rollups. ClaudeAgent wires these; each also works alone.
 */

// The chain and tier seam live in the pipeline; re-exported here for applications using optimize alone.
export {
  type AnswerTier,
  type ChainResult,
  runFallbackChain,
  type TierAnswer,
  type TierContext,
} from '../pipeline/index.js';
export {
  type CostQuery,
  type CostReport,
  CostRollups,
  type CostRow,
} from './analytics/cost-rollups.js';
export {
  type BudgetScope,
  BudgetService,
  type BudgetServiceConfig,
  type BudgetServiceOptions,
  type BudgetStatus,
  type BudgetTables,
  budgetDay,
  defaultFallbackReply,
  type MeasuredRun,
  type Reservation,
  type ReservationRequest,
} from './budget/index.js';
export {
  type AnswerShape,
  BUILT_IN_INTENTS,
  type CacheScope,
  checkEcho,
  checkSemanticHit,
  createHashingEmbedder,
  createHttpEmbedder,
  createIntentMatcher,
  createUseEmbedder,
  type Embedder,
  type GuardResult,
  normalizeRequest,
  RECOMMENDED_SIMILARITY,
  shapeHash,
} from './cache/index.js';
export { type CacheabilityVerdict, CacheTier, type CacheTierOptions } from './cache-tier.js';
export {
  cacheRuleSchema,
  type OptimizationConfig,
  optimizationConfigSchema,
  type ResolvedOptimizationConfig,
  type TierName,
  tierNameSchema,
} from './config.js';
export {
  type Pattern,
  type PatternConfig,
  type PatternStatus,
  PatternTier,
  type PatternTierOptions,
  voteOnNeighbours,
} from './patterns/index.js';
export {
  costOf,
  defaultModel,
  estimateRunCost,
  type ModelPrices,
  modelPrices,
  type PricingOverrides,
  pricesFor,
  pricingTableDate,
  tokensAtMost,
} from './pricing.js';
export { type OptimizedAgentConfig, type OptimizePrimitive, optimizePrimitive } from './primitive.js';
export {
  defaultCallsWithTools,
  learnedRunMinimum,
  learnedRunWindow,
  ReservationBound,
  type ReservationSize,
  type RunShape,
  type RunToSize,
} from './reservation-bound.js';
export { answerReusability, type ReusabilityVerdict, readOnlyTools } from './reusability.js';
