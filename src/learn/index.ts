/**
 * claude-steward/learn: repeated requests become tested handlers: detect clusters, have the model write a
 * handler, validate it in a sandbox on recorded traffic, approve, canary, promote or roll back.
 */
export { type CanaryVerdict, canaryStats, judgeCanary } from './canary.js';
export {
  type ArmCounters,
  type Capability,
  type CapabilityState,
  CapabilityStore,
  type ClusterExample,
  type ClusterSummary,
  capabilityStates,
  type ValidationReport,
} from './capability-store.js';
export { type LearningConfig, learningConfigSchema, type ResolvedLearningConfig } from './config.js';
export { buildGenerationPrompt, extractHandlerCode, generationSystemPrompt } from './generate.js';
export {
  type CapabilityAnalytics,
  type LearningAnalytics,
  type LearningCycle,
  LearningService,
  type LearningSettings,
} from './learning-service.js';
export type { InteractionObserver } from './observer.js';
export {
  cycleIntervalMs,
  type LearningAgentConfig,
  type LearnPrimitive,
  learningSettings,
  learnPrimitive,
} from './primitive.js';
export { equivalentReplies, requiredAbstention, unrelatedRequests } from './validate.js';
