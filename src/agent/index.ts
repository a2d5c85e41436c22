export type { InboundMessage, Reply } from '../pipeline/index.js';
export type { InteractionOutcome, InteractionRecord } from '../store/index.js';
export { ClaudeAgent, type HandleOptions } from './claude-agent.js';
export {
  type AgentConfig,
  agentConfigSchema,
  defineConfig,
  idSchema,
  type ResolvedAgentConfig,
} from './config-schema.js';
export { conversationNotFound } from './customers.js';
export type { AgentDescription, StageDescription, StageStatus } from './describe.js';
export type { FeedbackAuthor } from './feedback.js';
