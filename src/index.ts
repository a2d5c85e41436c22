/** claude-steward: production primitives around agents built on the Claude Agent SDK. */
export {
  type AgentConfig,
  type AgentDescription,
  ClaudeAgent,
  defineConfig,
  type HandleOptions,
  type InboundMessage,
  type InteractionOutcome,
  type InteractionRecord,
  type Reply,
  type StageDescription,
  type StageStatus,
} from './agent/index.js';
export { type ConfigIssue, InvalidConfigError, StewardError, type StewardErrorCode } from './errors/index.js';
export { EventBus, type StewardEvent, type StewardEventMap, type StewardEventName } from './events/index.js';
export {
  type CompletedTurn,
  definePrimitive,
  type ModelRun,
  type Primitive,
  type PrimitiveContext,
  type PrimitiveDefinition,
  type TierAnswer,
  type TierContext,
} from './pipeline/index.js';
export {
  type AgentRuntime,
  ClaudeAgentSdkRuntime,
  type ClaudeAgentSdkRuntimeOptions,
  ConcurrencyLimiter,
  createDefaultRuntime,
  createSimulatedRuntime,
  type DefaultRuntimeOptions,
  FunctionRuntime,
  type McpToolDefinition,
  type PermissionDecision,
  type RuntimeRequest,
  type RuntimeResult,
  type SimulatedRuntimeOptions,
  type ToolPermissionGuard,
} from './runtime/index.js';
export { openStore, type StewardStore, type StoreConfig } from './store/index.js';
export { attachTelemetry, type TelemetryOptions } from './telemetry/index.js';
