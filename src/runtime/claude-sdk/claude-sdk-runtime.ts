/**
 * The real model runtime: one run is one `query()` of the Claude Agent SDK, which spawns the bundled Claude
 * Code CLI with a throwaway home under the data directory, working in the agent's own workspace (its file
 * tools refused outside it, its shell sandboxed), behind a per-host concurrency limit.
 */
import { type Options, type Query, query, type SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import { StewardError } from '../../errors/index.js';
import type { ConcurrencyLimiter } from '../concurrency-limiter.js';
import type {
  AgentRuntime,
  RuntimeIsolation,
  RuntimeRequest,
  RuntimeResult,
  RuntimeStats,
} from '../types.js';
import { buildMcpServers } from './mcp-tools.js';
import { observeMessage } from './message-observer.js';
import { createPermissionBridge } from './permission-bridge.js';
import { type CostBaseline, costBaselineOf, readResult, zeroBaseline } from './result-reader.js';
import { createRunDirectory, prepareRunsDirectory, type RunDirectory } from './run-directories.js';
import { type RunIsolation, RunIsolator } from './run-isolation.js';
import {
  type ClaudeAgentSdkRuntimeOptions,
  childEnvironment,
  type ResolvedRuntimeOptions,
  resolveRuntimeOptions,
} from './runtime-options.js';
import { sandboxFailureOf, sandboxUnavailableError } from './sandbox.js';
import { createSessionStoreAdapter } from './session-store-adapter.js';
import { ToolCallTracker } from './tool-call-tracker.js';

/** How much of the CLI's stderr is kept for error messages. */
const stderrTailBytes = 4000;

/** Why a run's abort controller fired. */
type StopCause = 'timeout' | 'aborted';

/** What one run has seen so far. */
interface RunState {
  result?: SDKResultMessage;
  sessionId?: string;
  lastAssistantText: string;
  stderrTail: string;
  thrown?: unknown;
  /** The spend of earlier turns a resumed session carries in its totals. */
  baseline: CostBaseline;
}

interface SdkRun {
  outcome: Promise<RuntimeResult>;
  finished: Promise<void>;
}

/**
 * @example
 * const simulated = await startSimulatedModel();
 * const runtime = new ClaudeAgentSdkRuntime({ baseUrl: simulated.url, simulatedModel: true });
 * const result = await runtime.run({ tenantId: 'acme', agentId: 'support', interactionId: 'i-1', prompt: 'Hi' });
 * console.log(result.text, result.costUsd);
 */
export class ClaudeAgentSdkRuntime implements AgentRuntime {
  readonly name = 'claude-agent-sdk';
  readonly simulatedModel: boolean;
  readonly callsAdmit = true;
  private readonly options: ResolvedRuntimeOptions;
  private readonly limiter: ConcurrencyLimiter;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The runs folder made and swept of dead processes' leftovers; every run waits for it. */
  private readonly runsDirectoryReady: Promise<unknown>;
  /** Each agent's workspace and the shell's sandbox. */
  private readonly isolator: RunIsolator;
  private closing = false;

  constructor(options: ClaudeAgentSdkRuntimeOptions) {
    this.options = resolveRuntimeOptions(options);
    this.limiter = this.options.limiter;
    this.simulatedModel = this.options.simulatedModel;
    this.runsDirectoryReady = prepareRunsDirectory(this.options.runsDirectory);
    // A failure is reported by each run; it must not surface as an unhandled rejection meanwhile.
    this.runsDirectoryReady.catch(() => {});
    this.isolator = new RunIsolator(
      this.options,
      () => this.createRunDirectory(),
      (promise) => this.track(promise),
    );
  }

  run(request: RuntimeRequest): Promise<RuntimeResult> {
    if (this.closing) {
      return Promise.reject(
        new StewardError('shutting-down', 'the runtime is closing; no new runs are accepted'),
      );
    }
    try {
      validateRequest(request);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.track(this.runQueued(request));
  }

  stats(): RuntimeStats {
    return this.limiter.stats;
  }

  /** How runs are isolated on this host; the first call asks the CLI whether its sandbox can start. */
  isolation(): Promise<RuntimeIsolation> {
    return this.isolator.describe();
  }

  /** Stops accepting runs and waits for the ones queued or running, and for their CLI children to exit. */
  async close(): Promise<void> {
    this.closing = true;
    await this.runsDirectoryReady.catch(() => {});
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const forget = () => this.inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /**
   * Waits for a slot, admits the run (`request.admit`), then starts it. The slot is held until the CLI child
   * has exited, even when the caller stopped waiting earlier (timeout, abort), so the limit really bounds
   * the children alive.
   */
  private runQueued(request: RuntimeRequest): Promise<RuntimeResult> {
    return new Promise<RuntimeResult>((resolve, reject) => {
      const slot = this.limiter.run(
        request.tenantId,
        async (queueWaitMs) => {
          this.options.onQueueWait?.(queueWaitMs);
          const attempt = await this.start(request, queueWaitMs);
          attempt.outcome.then(resolve, reject);
          await attempt.finished;
        },
        { signal: request.signal, admit: request.admit },
      );
      // Rejects only when no run started: queue full, aborted while waiting, not admitted, or the start failed.
      this.track(slot).catch(reject);
    });
  }

  /**
   * Starts one query. `outcome` settles with the result, or as soon as the run times out or is aborted
   * (the SDK takes about 2 s to stop its CLI child; the caller need not wait for that). `finished`
   * settles once the child has exited and the run's directories are removed; it never rejects.
   */
  private async start(request: RuntimeRequest, queueWaitMs: number): Promise<SdkRun> {
    const startedAt = Date.now();
    const isolation = await this.isolator.forRun(request);
    const directory = await this.createRunDirectory();

    const abortController = new AbortController();
    let stopCause: StopCause | undefined;
    const stop = (cause: StopCause) => {
      stopCause ??= cause;
      abortController.abort();
    };
    const onCallerAbort = () => stop('aborted');
    const timeoutMs = request.timeoutMs ?? this.options.defaultTimeoutMs;
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (request.signal?.aborted) stop('aborted');

    const tracker = new ToolCallTracker(request.onEvent);
    const state: RunState = { lastAssistantText: '', stderrTail: '', baseline: zeroBaseline() };
    const finished = (async () => {
      let conversation: Query | undefined;
      try {
        conversation = query({
          prompt: request.prompt,
          options: this.sdkOptions(request, directory, isolation, tracker, abortController, state),
        });
        for await (const message of conversation) {
          if (message.type === 'result') {
            state.result = message;
            continue;
          }
          const text = observeMessage(message, tracker);
          if (text !== undefined) state.lastAssistantText = text;
          if (message.type === 'system' && message.subtype === 'init' && state.sessionId === undefined) {
            state.sessionId = message.session_id;
            tracker.report({ type: 'session-started', sessionId: message.session_id });
          }
        }
      } catch (error) {
        // After a result with is_error the iterator throws; the result already says what went wrong.
        state.thrown = error;
      } finally {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onCallerAbort);
        try {
          conversation?.close();
        } catch {}
        await directory.remove();
      }
    })();

    const stopped = new Promise<void>((resolve) => {
      if (abortController.signal.aborted) resolve();
      else abortController.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    const outcome = (async (): Promise<RuntimeResult> => {
      await Promise.race([finished, stopped]);
      // A complete result that raced the stop is kept (after the child is gone); anything else is the stop.
      if (stopCause !== undefined && (!state.result || state.result.is_error)) {
        throw this.failure(request, stopCause, state, timeoutMs);
      }
      await finished;
      if (!state.result) throw this.failure(request, stopCause, state, timeoutMs);
      const sandboxFailure = sandboxFailureOf(state.result);
      if (sandboxFailure !== undefined) {
        this.isolator.sandboxGone(sandboxFailure);
        throw sandboxUnavailableError(sandboxFailure, { interactionId: request.interactionId });
      }
      return this.toRuntimeResult(state.result, state, tracker, startedAt, queueWaitMs);
    })();
    return { outcome, finished };
  }

  private async createRunDirectory(): Promise<RunDirectory> {
    const runsDirectory = this.options.runsDirectory;
    try {
      await this.runsDirectoryReady;
      return await createRunDirectory(runsDirectory);
    } catch (error) {
      throw new StewardError(
        'runtime-failed',
        `cannot create the run's private folder in ${runsDirectory}: ${(error as Error).message}; ` +
          'pass a writable runsDirectory to ClaudeAgentSdkRuntime (steward serve uses the folder of its SQLite store)',
        { cause: error },
      );
    }
  }

  private toRuntimeResult(
    result: SDKResultMessage,
    state: RunState,
    tracker: ToolCallTracker,
    startedAt: number,
    queueWaitMs: number,
  ): RuntimeResult {
    const summary = readResult(result, state.lastAssistantText, state.baseline);
    for (const denial of summary.permissionDenials) {
      tracker.deniedBySdk(denial.toolUseId, denial.toolName, denial.input);
    }
    const runtimeResult: RuntimeResult = {
      text: summary.text,
      costUsd: summary.costUsd,
      usage: summary.usage,
      toolCalls: tracker.list(),
      permissionDenials: summary.permissionDenials.map(({ toolName, toolUseId }) => ({
        toolName,
        toolUseId,
      })),
      stopReason: summary.stopReason,
      isError: summary.isError,
      numTurns: summary.numTurns,
      // Wall clock from spawn to result: the SDK's duration_ms leaves out the CLI's ~0.5 s start.
      durationMs: Date.now() - startedAt,
      queueWaitMs,
      simulatedModel: this.simulatedModel,
    };
    const sessionId = summary.sessionId || state.sessionId;
    if (sessionId) runtimeResult.sessionId = sessionId;
    if (summary.errorMessage !== undefined) runtimeResult.errorMessage = summary.errorMessage;
    return runtimeResult;
  }

  private sdkOptions(
    request: RuntimeRequest,
    directory: RunDirectory,
    isolation: RunIsolation,
    tracker: ToolCallTracker,
    abortController: AbortController,
    state: RunState,
  ): Options {
    const bridge = createPermissionBridge(request, tracker, isolation.workspace);
    // A tool list names built-in tools and `mcp__<server>__<name>` tools alike; none means all of both.
    const requestedTools = request.tools ?? this.options.defaultTools;
    const builtInTools = requestedTools?.filter((name) => !name.startsWith('mcp__'));
    const mcpSelection = requestedTools && new Set(requestedTools.filter((name) => name.startsWith('mcp__')));
    const mcpServers = buildMcpServers(this.options.mcpTools, mcpSelection);

    const options: Options = {
      abortController,
      ...this.isolator.sdkOptions(isolation),
      env: {
        ...childEnvironment(this.options, directory),
        ...(request.maxOutputTokens === undefined
          ? {}
          : { CLAUDE_CODE_MAX_OUTPUT_TOKENS: String(request.maxOutputTokens) }),
      },
      permissionMode: 'default',
      settingSources: [],
      canUseTool: bridge.canUseTool,
      hooks: bridge.hooks,
      stderr: (chunk) => {
        state.stderrTail = (state.stderrTail + chunk).slice(-stderrTailBytes);
      },
    };
    const model = request.model ?? this.options.model;
    if (model) options.model = model;
    if (request.systemPrompt !== undefined) options.systemPrompt = request.systemPrompt;
    if (request.maxTurns !== undefined) options.maxTurns = request.maxTurns;
    if (request.maxBudgetUsd !== undefined) options.maxBudgetUsd = request.maxBudgetUsd;
    if (builtInTools) options.tools = builtInTools;
    if (Object.keys(mcpServers).length > 0) options.mcpServers = mcpServers;
    if (this.options.pathToClaudeCodeExecutable) {
      options.pathToClaudeCodeExecutable = this.options.pathToClaudeCodeExecutable;
    }
    if (request.sessions) {
      options.sessionStore = createSessionStoreAdapter(
        request.sessions,
        request.tenantId,
        request.agentId,
        (entries) => {
          state.baseline = costBaselineOf(entries);
        },
      );
    }
    if (request.resumeSessionId) options.resume = request.resumeSessionId;
    return options;
  }

  private failure(
    request: RuntimeRequest,
    stopCause: StopCause | undefined,
    state: RunState,
    timeoutMs: number,
  ): StewardError {
    const thrown = state.thrown;
    const details = { interactionId: request.interactionId, tenantId: request.tenantId };
    if (stopCause === 'timeout') {
      const message = `the model run took longer than ${timeoutMs} ms and was stopped`;
      return new StewardError('runtime-timeout', message, { cause: thrown, details });
    }
    if (stopCause === 'aborted') {
      const message = 'the model run was aborted by the caller';
      return new StewardError('aborted', message, { cause: thrown, details });
    }
    const reason =
      thrown instanceof Error ? thrown.message : thrown === undefined ? 'no result' : String(thrown);
    const stderr = state.stderrTail.trim();
    return new StewardError(
      'runtime-failed',
      `the Claude Agent SDK run ended without a result: ${reason}${stderr ? `\nCLI stderr: ${stderr}` : ''}`,
      { cause: thrown, details: { ...details, stderr } },
    );
  }
}

/** Checks what the SDK would only fail on later, after a CLI child was spawned for nothing. */
function validateRequest(request: RuntimeRequest): void {
  const problems: string[] = [];
  if (typeof request?.tenantId !== 'string' || request.tenantId === '') {
    problems.push('tenantId must be a non-empty string');
  }
  if (typeof request?.agentId !== 'string' || request.agentId === '') {
    problems.push('agentId must be a non-empty string');
  }
  if (typeof request?.prompt !== 'string') problems.push('prompt must be a string');
  if (request?.timeoutMs !== undefined && !(Number.isFinite(request.timeoutMs) && request.timeoutMs > 0)) {
    problems.push('timeoutMs must be a number > 0');
  }
  if (request?.resumeSessionId && !request.sessions) {
    problems.push(
      'resumeSessionId needs `sessions` (a SessionTranscriptStore): every run starts in a fresh directory, ' +
        'so a session can only be resumed from the store',
    );
  }
  if (problems.length > 0) {
    throw new StewardError('invalid-request', `invalid runtime request: ${problems.join('; ')}`);
  }
}
