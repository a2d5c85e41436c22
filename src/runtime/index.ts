/** The model runtime: the AgentRuntime seam, its implementations, and the local simulated model. */

export {
  callToolThenReply,
  demoResponder,
  failWithHttpError,
  keepCallingTool,
  playSteps,
  replyWithText,
  type SimulatedModel,
  type SimulatedModelOptions,
  type SimulatedResponder,
  type SimulatedStep,
  startSimulatedModel,
} from '../simulator/index.js';
export {
  ClaudeAgentSdkRuntime,
  type ClaudeAgentSdkRuntimeOptions,
  createSessionStoreAdapter,
  type McpToolDefinition,
  mcpToolName,
  prepareWorkspace,
} from './claude-sdk/index.js';
export {
  ConcurrencyLimiter,
  type ConcurrencyLimiterOptions,
  type LimiterRunOptions,
} from './concurrency-limiter.js';
export {
  createDefaultRuntime,
  createSimulatedRuntime,
  type DefaultRuntimeOptions,
  type SimulatedRuntimeOptions,
} from './default-runtime.js';
export { FunctionRuntime, type FunctionRuntimeOptions, type RuntimeFunction } from './function/index.js';
export {
  type AgentRuntime,
  emptyUsage,
  type PermissionContext,
  type PermissionDecision,
  type PermissionDecisionDetails,
  type PermissionSource,
  type RuntimeEvent,
  type RuntimeIsolation,
  type RuntimeRequest,
  type RuntimeResult,
  type RuntimeStats,
  type RuntimeStopReason,
  type SandboxMode,
  type SandboxStatus,
  type SessionTranscriptKey,
  type SessionTranscriptStore,
  type TokenUsage,
  type ToolCallRecord,
  type ToolCallStatus,
  type ToolPermissionGuard,
} from './types.js';
