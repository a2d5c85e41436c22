export { ClaudeAgent, type HandleOptions } from './claude-agent.js';
export { type AgentConfig, defineConfig, type ResolvedAgentConfig } from './config-schema.js';
export type { AgentDescription, StageDescription, StageStatus } from './describe.js';
export type { InteractionOutcome, InteractionRecord } from './interaction.js';
export type { InboundMessage, Reply } from './message.js';
