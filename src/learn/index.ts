/** claude-steward/learn: this version holds the config schema and the observer seam. */
export { type LearningConfig, learningConfigSchema, type ResolvedLearningConfig } from './config.js';
export type { InteractionObserver } from './observer.js';
