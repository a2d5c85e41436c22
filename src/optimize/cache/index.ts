/**
 * The cache tier's building blocks: exact keys, embedders, the semantic index per scope, false-hit
 * guards, the intent matcher for rule caching, and threshold calibration. Persistence and the tier
 * itself are wired elsewhere.
 */
export {
  type CalibrationOptions,
  type CalibrationReport,
  type CalibrationRow,
  calibrateThresholds,
  DEFAULT_THRESHOLDS,
  type GuardRejections,
  type IntentFalsePositives,
  intentFalsePositives,
  memoizeEmbedder,
  RECOMMENDED_SIMILARITY,
  recommendThreshold,
} from './calibration.js';
export { createDotProductKernel, type DotProductKernel, simdAvailable } from './dot-product-kernel.js';
export {
  createHashingEmbedder,
  createHttpEmbedder,
  createUseEmbedder,
  dotProduct,
  type Embedder,
  EmbeddingRequestError,
  HashingEmbedder,
  type HashingEmbedderConfig,
  type HashingIdfState,
  HttpEmbedder,
  type HttpEmbedderConfig,
  type HttpEmbeddingProvider,
  l2Normalize,
  UseEmbedder,
  type UseEmbedderConfig,
} from './embedders/index.js';
export {
  checkEcho,
  checkSemanticHit,
  type EchoResult,
  GUARD_REASONS,
  type GuardOptions,
  type GuardReason,
  type GuardResult,
} from './guards.js';
export {
  BUILT_IN_INTENTS,
  createIntentMatcher,
  INTENT_THRESHOLDS,
  type IntentDefinition,
  type IntentInput,
  type IntentMatch,
  IntentMatcher,
  type IntentMatcherOptions,
  parseRegexPattern,
  resolveIntent,
} from './intents.js';
export { type LabelledText, parseLabelledCsv } from './labelled-csv.js';
export {
  type AnswerShape,
  type CacheScope,
  createScoper,
  decodeVector,
  encodeVector,
  exactKey,
  normalizeRequest,
  scopeKey,
  shapeHash,
} from './normalize.js';
export { analyzeRequest, type RequestSignature } from './request-signature.js';
export {
  type IndexedEntry,
  type IndexLoader,
  ScopedIndexes,
  type ScopedIndexesOptions,
  type ScopeSelector,
} from './scoped-indexes.js';
export { SemanticIndex, type SemanticIndexOptions, type SemanticMatch } from './semantic-index.js';
