/**
 * The pipeline's seam: what a message is, what a tier answers, how the fallback chain runs, and the
 * Primitive interface through which trust, optimize, audit, telemetry (and learn, channels) take part in
 * a turn. Every primitive imports these; ClaudeAgent composes them.
 */
export { type ChainResult, runFallbackChain } from './chain.js';
export type { InboundMessage, Reply } from './message.js';
export {
  type AnsweredTurn,
  type CompletedTurn,
  composeModelRun,
  definePrimitive,
  type InteractionFeedback,
  type ModelRun,
  type Primitive,
  type PrimitiveContext,
  type PrimitiveDefinition,
} from './primitive.js';
export { type AnswerTier, type TierAnswer, type TierContext, type TierName, tierNames } from './tier.js';
