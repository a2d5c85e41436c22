/** The one seam to the model: AgentRuntime and the values that cross it. */

/** Why a guard decided as it did, carried into the tool-call-allowed / tool-call-denied events. */
export interface PermissionDecisionDetails {
  /** The agent's trust level when it decided. */
  level?: number;
  /** The permission pattern that allowed or denied the call. */
  matchedPattern?: string;
  /** Which rule decided: `level`, `deny-list`, `override-allow`, `override-deny`, `override-level`, `no-match`, `approval` … */
  rule?: string;
  /** The lowest level at which the call would be allowed, when there is one. */
  requiredLevel?: number;
  /** The approval that decided the call, when an operator was asked. */
  approvalId?: string;
}

/** What a permission guard answers for one tool call. */
export type PermissionDecision =
  | { behavior: 'allow'; updatedInput?: Record<string, unknown>; details?: PermissionDecisionDetails }
  | { behavior: 'deny'; message: string; details?: PermissionDecisionDetails };

/** Where a permission question came from: the SDK's canUseTool callback or the PreToolUse hook. */
export type PermissionSource = 'can-use-tool' | 'pre-tool-use-hook';

export interface PermissionContext {
  tenantId: string;
  agentId: string;
  interactionId: string;
  toolUseId?: string;
  source: PermissionSource;
  signal?: AbortSignal;
  /** The run's working directory: relative path patterns such as `Write(./docs/**)` resolve against it. */
  cwd?: string;
}

/**
 * Decides whether a tool call may run. The runtime asks it in `canUseTool` and again in a
 * `PreToolUse` hook, so paths that skip one of them (subagents, hook-only paths) are still covered.
 */
export interface ToolPermissionGuard {
  decide(
    toolName: string,
    input: Record<string, unknown>,
    context: PermissionContext,
  ): PermissionDecision | Promise<PermissionDecision>;
}

/** Token counts of one run, summed over all its model calls. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
}

export type ToolCallStatus = 'allowed' | 'denied' | 'succeeded' | 'failed';

/** One tool call the model asked for during a run, with how it ended. */
export interface ToolCallRecord {
  toolUseId: string;
  toolName: string;
  input: Record<string, unknown>;
  status: ToolCallStatus;
  /** The deny message or the failure text, when there is one. */
  message?: string;
}

/** Events a run reports while it is under way (for audit, trust and progress updates). */
export type RuntimeEvent =
  | { type: 'tool-call-requested'; toolUseId: string; toolName: string; input: Record<string, unknown> }
  | {
      type: 'tool-call-decided';
      toolUseId: string;
      toolName: string;
      decision: PermissionDecision;
      source: PermissionSource;
    }
  | { type: 'tool-call-completed'; toolUseId: string; toolName: string; output: unknown }
  | { type: 'tool-call-failed'; toolUseId: string; toolName: string; error: string }
  | { type: 'assistant-text'; text: string }
  | { type: 'session-started'; sessionId: string };

/**
 * Storage for SDK session transcripts, scoped to one tenant and agent, so that any instance can
 * resume any conversation. Mirrors the SDK's `SessionStore` contract (entries are opaque JSON).
 */
export interface SessionTranscriptStore {
  append(key: SessionTranscriptKey, entries: ReadonlyArray<Record<string, unknown>>): Promise<void>;
  load(key: SessionTranscriptKey): Promise<Array<Record<string, unknown>> | null>;
  listSubkeys(key: { projectKey: string; sessionId: string }): Promise<string[]>;
  delete(key: SessionTranscriptKey): Promise<void>;
}

export interface SessionTranscriptKey {
  projectKey: string;
  sessionId: string;
  subpath?: string;
}

export interface RuntimeRequest {
  tenantId: string;
  agentId: string;
  interactionId: string;
  conversationId?: string;
  /** The user's message, already normalized. */
  prompt: string;
  systemPrompt?: string;
  model?: string;
  /** Hard ceiling for this run's spend, passed to the SDK as `maxBudgetUsd`. */
  maxBudgetUsd?: number;
  maxTurns?: number;
  /** Cap on output tokens per model call (the CLI's CLAUDE_CODE_MAX_OUTPUT_TOKENS); bounds a call's cost. */
  maxOutputTokens?: number;
  /** Tools the model may see; omitted means the runtime's default set. */
  tools?: string[];
  /** SDK session to resume (the conversation's previous turn). */
  resumeSessionId?: string;
  /** Where transcripts are mirrored so another instance can resume; required to resume across instances. */
  sessions?: SessionTranscriptStore;
  permissionGuard?: ToolPermissionGuard;
  signal?: AbortSignal;
  /** Ends the run with `runtime-timeout` after this many milliseconds. */
  timeoutMs?: number;
  onEvent?: (event: RuntimeEvent) => void;
  /**
   * Called once the run holds its concurrency slot, before the model starts: the last moment to decide
   * whether it may run (the daily budget reserves here, so a run waiting in the queue holds no money).
   * A throw ends the run with the thrown error and gives the slot back; nothing reaches the model.
   * A runtime that calls it says so with `AgentRuntime.callsAdmit`.
   */
  admit?: () => Promise<void>;
}

/**
 * Why a run ended. `session-not-found`: the session to resume is not in the transcript store (purged,
 * or another tenant's); nothing was sent to the model, and the caller may start a fresh session.
 */
export type RuntimeStopReason = 'completed' | 'max-budget' | 'max-turns' | 'session-not-found' | 'error';

export interface RuntimeResult {
  /** The final assistant text (the reply). */
  text: string;
  /** The SDK session id of this run, to resume the conversation later. */
  sessionId?: string;
  costUsd: number;
  usage: TokenUsage;
  toolCalls: ToolCallRecord[];
  permissionDenials: Array<{ toolName: string; toolUseId: string }>;
  stopReason: RuntimeStopReason;
  isError: boolean;
  /** Error text from the SDK when `isError` is true. */
  errorMessage?: string;
  numTurns: number;
  durationMs: number;
  /** Time spent waiting for a concurrency slot before the run started. */
  queueWaitMs: number;
  /** True when a local simulated model answered, never Claude. */
  simulatedModel: boolean;
}

/**
 * Whether an agent's shell commands run in the OS sandbox: `required` fails runs where it cannot start,
 * `if-available` offers no shell tools there, `off` runs them unconfined.
 */
export type SandboxMode = 'required' | 'if-available' | 'off';

/** The sandbox found on this host: `bubblewrap` (Linux), `seatbelt` (macOS), `unavailable`, or `off` by choice. */
export type SandboxStatus = 'bubblewrap' | 'seatbelt' | 'unavailable' | 'off';

/** How a runtime keeps each agent's tools away from the host and from other agents. */
export interface RuntimeIsolation {
  /** `per-agent`: each agent's tools work in its own folder; the file tools refuse any path outside it. */
  workspace: 'per-agent';
  sandboxMode: SandboxMode;
  sandbox: SandboxStatus;
  /**
   * What the shell tools (Bash) do: `sandboxed`; `not-offered` (no sandbox, `if-available`); `runs-refused`
   * (no sandbox, `required`: every run fails with `sandbox-unavailable`); `unconfined` (`off`).
   */
  shell: 'sandboxed' | 'not-offered' | 'runs-refused' | 'unconfined';
  /** Why the sandbox is unavailable. */
  reason?: string;
}

export interface RuntimeStats {
  running: number;
  queued: number;
  limit: number;
}

/**
 * Runs one turn of an agent against a model.
 *
 * Implementations: `ClaudeAgentSdkRuntime` (the real Claude Agent SDK and its CLI) and
 * `FunctionRuntime` (an in-process function, for benchmarks and embedding).
 */
export interface AgentRuntime {
  readonly name: string;
  /** True when replies come from a local simulated model instead of Claude. */
  readonly simulatedModel: boolean;
  /**
   * True when `run` calls `request.admit` once it holds its slot and before the model starts. A caller
   * that needs the check (the daily budget) makes it before `run` when this is not set.
   */
  readonly callsAdmit?: boolean;
  run(request: RuntimeRequest): Promise<RuntimeResult>;
  stats(): RuntimeStats;
  /** How the runtime isolates the agents' tools; absent for runtimes that run no tools of the CLI. */
  isolation?(): Promise<RuntimeIsolation>;
  close(): Promise<void>;
}

export const emptyUsage = (): TokenUsage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadInputTokens: 0,
  cacheCreationInputTokens: 0,
});
