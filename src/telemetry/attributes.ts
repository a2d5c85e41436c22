/**
 * Span names and attribute keys: the OpenTelemetry GenAI semantic conventions (agent spans, development
 * status, as of semconv v1.41 / the semantic-conventions-genai registry) and our own `steward.*` keys.
 * Kept as literals so the core does not depend on `@opentelemetry/semantic-conventions`.
 */

export const genAiAttributes = {
  operationName: 'gen_ai.operation.name',
  /** Replaces the older `gen_ai.system` (semconv v1.37+). */
  providerName: 'gen_ai.provider.name',
  agentName: 'gen_ai.agent.name',
  agentId: 'gen_ai.agent.id',
  requestModel: 'gen_ai.request.model',
  conversationId: 'gen_ai.conversation.id',
  /** All input tokens, cached ones included (the spec's note on `gen_ai.usage.input_tokens`). */
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  usageCacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  errorType: 'error.type',
} as const;

export const stewardAttributes = {
  tenantId: 'steward.tenant.id',
  interactionId: 'steward.interaction.id',
  channel: 'steward.channel',
  tier: 'steward.tier',
  costUsd: 'steward.cost_usd',
  outcome: 'steward.outcome',
  /** The StewardError code of a failed, refused or denied interaction. */
  errorCode: 'steward.error.code',
  simulatedModel: 'steward.simulated_model',
  toolCallCount: 'steward.tool_call.count',
  /** `allow` or `deny`: what the permission guard decided for a tool call. */
  toolDecision: 'steward.tool.decision',
  /** Which check decided: `can-use-tool` or `pre-tool-use-hook`. */
  toolDecisionSource: 'steward.tool.decision_source',
  /** Which permission rule decided (`level`, `deny-list`, `approval` …). */
  toolDecisionRule: 'steward.tool.decision_rule',
  /** Set on spans ended by telemetry itself, not by the event that normally ends them. */
  incomplete: 'steward.incomplete',
} as const;

export const operationNames = {
  invokeAgent: 'invoke_agent',
  executeTool: 'execute_tool',
} as const;

/** `error.type` values this module reports (the spec asks instrumentations to document theirs). */
export const telemetryErrorTypes = {
  /** A tool call the permission guard denied. */
  toolDenied: 'permission-denied',
  /** A tool call that ran and failed. */
  toolFailed: 'tool-failed',
  /** An interaction (or tool call) that never reported its end: timed out, evicted or detached. */
  incomplete: 'incomplete',
  /** An interaction whose record has outcome `error` but no error code. */
  other: '_OTHER',
} as const;
