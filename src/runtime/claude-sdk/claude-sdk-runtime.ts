/**
 * The real model runtime: one run is one `query()` of the Claude Agent SDK, which spawns the bundled Claude
 * Code CLI with a throwaway home under the data directory, working in the agent's own workspace (its file
 * tools refused outside it, its shell sandboxed), behind a per-host concurrency limit.
 */
import type { Options, Query, SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
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
import { createPermissionBridge, delegatingBridge, type PermissionBridge } from './permission-bridge.js';
import { costBaselineOf, zeroBaseline } from './result-reader.js';
import { createRunDirectory, prepareRunsDirectory, type RunDirectory } from './run-directories.js';
import { type RunIsolation, RunIsolator } from './run-isolation.js';
import {
  type RunState,
  runFailure,
  type StopCause,
  toRuntimeResult,
  validateRequest,
} from './run-outcome.js';
import {
  type ClaudeAgentSdkRuntimeOptions,
  childEnvironment,
  type ResolvedRuntimeOptions,
  resolveRuntimeOptions,
} from './runtime-options.js';
import { sandboxFailureOf, sandboxUnavailableError } from './sandbox.js';
import { loadSdk } from './sdk-module.js';
import { createSessionStoreAdapter } from './session-store-adapter.js';
import { ToolCallTracker } from './tool-call-tracker.js';
import { fixedOptionsOf, UserMessageQueue, WarmSession, warmKeyOf } from './warm-session.js';
import { WarmSessionPool, type WarmSessionPoolStats } from './warm-session-pool.js';

/** How much of the CLI's stderr is kept for error messages. */
const stderrTailBytes = 4000;

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
  /** Live CLI children kept between the turns of a conversation; undefined when warm sessions are off. */
  private readonly warmPool: WarmSessionPool | undefined;
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
    if (this.options.warmSessions) this.warmPool = new WarmSessionPool(this.options.warmSessions);
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

  /** The warm sessions: live, their resident memory, warm turns and cold starts; undefined when off. */
  warmSessionStats(): WarmSessionPoolStats | undefined {
    return this.warmPool?.stats();
  }

  /** How runs are isolated on this host; the first call asks the CLI whether its sandbox can start. */
  isolation(): Promise<RuntimeIsolation> {
    return this.isolator.describe();
  }

  /** Stops accepting runs and waits for the ones queued or running, and for their CLI children to exit. */
  async close(): Promise<void> {
    this.closing = true;
    await this.warmPool?.closeAll();
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
          const warmKey = this.warmPool && warmKeyOf(request);
          const attempt = warmKey
            ? await this.startWarm(request, warmKey, queueWaitMs)
            : await this.start(request, queueWaitMs);
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
    const { query } = await loadSdk();
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
          options: this.sdkOptions(
            request,
            directory,
            isolation,
            createPermissionBridge(request, tracker, isolation.workspace),
            abortController,
            state,
            (entries) => {
              state.baseline = costBaselineOf(entries);
            },
          ),
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
        throw runFailure(request, stopCause, state, timeoutMs);
      }
      await finished;
      if (!state.result) throw runFailure(request, stopCause, state, timeoutMs);
      return this.resultOf(request, state.result, state, tracker, startedAt, queueWaitMs);
    })();
    return { outcome, finished };
  }

  /**
   * One turn on the conversation's warm session, or on a new one (cold, resuming from the store) when it
   * has none that can serve it. The slot is held for the turn only; the child then waits in the pool. A
   * turn that fails, times out or is aborted closes its session, so the next turn starts cold.
   */
  private async startWarm(request: RuntimeRequest, key: string, queueWaitMs: number): Promise<SdkRun> {
    const pool = this.warmPool as WarmSessionPool;
    const fixedOptions = fixedOptionsOf(request);
    let session = pool.take(key, fixedOptions, request.resumeSessionId, request.maxBudgetUsd);
    // Two turns of one conversation at once: the second runs on a child of its own, as without warm sessions.
    if (session === 'busy') return this.start(request, queueWaitMs);
    const startedAt = Date.now();
    // Another instance may have taken turns of the conversation since (the session id stays the same on
    // resume): a session whose transcript is not the store's is stale, and the turn resumes cold.
    if (session && !(await session.matchesStore(request))) {
      await pool.evict(session);
      session = undefined;
    }
    if (!session) {
      await pool.settled(key);
      session = await this.openWarmSession(request, key, fixedOptions);
      session.busyWithFirstTurn = true;
      pool.add(session);
    }
    const reused = !session.busyWithFirstTurn;
    let warm = session;

    let stopCause: StopCause | undefined;
    const stop = (cause: StopCause) => {
      stopCause ??= cause;
      void pool.evict(warm);
    };
    const onCallerAbort = () => stop('aborted');
    const timeoutMs = request.timeoutMs ?? this.options.defaultTimeoutMs;
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (request.signal?.aborted) stop('aborted');

    const tracker = new ToolCallTracker(request.onEvent);
    const bridge = createPermissionBridge(request, tracker, warm.workspace);
    const turn = (async () => {
      const seen = await warm.turn(request.prompt, { bridge, tracker });
      if (!reused || seen.result || seen.messagesSeen > 0 || stopCause !== undefined) return seen;
      // The idle child had died (nothing of this turn ran): the turn starts over on a new session.
      await pool.evict(warm);
      await pool.settled(key);
      warm = await this.openWarmSession(request, key, fixedOptions);
      pool.add(warm);
      return warm.turn(request.prompt, { bridge, tracker });
    })();
    const finished = turn.then(
      async (seen) => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onCallerAbort);
        const failed = stopCause !== undefined || !seen.result || seen.result.is_error || seen.thrown;
        await (failed ? pool.evict(warm) : pool.release(warm));
      },
      async () => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onCallerAbort);
        await pool.evict(warm);
      },
    );
    const outcome = (async (): Promise<RuntimeResult> => {
      const seen = await turn;
      const state: RunState = { ...seen, stderrTail: warm.stderr.stderrTail };
      if (stopCause !== undefined && (!seen.result || seen.result.is_error)) {
        throw runFailure(request, stopCause, state, timeoutMs);
      }
      if (!seen.result) throw runFailure(request, stopCause, state, timeoutMs);
      if (seen.result && warm.sessionId) state.sessionId = warm.sessionId;
      return this.resultOf(request, seen.result, state, tracker, startedAt, queueWaitMs);
    })();
    return { outcome, finished };
  }

  /** Starts a streaming-input query for a conversation: its CLI child serves the turns that follow. */
  private async openWarmSession(
    request: RuntimeRequest,
    key: string,
    fixedOptions: string,
  ): Promise<WarmSession> {
    const { query } = await loadSdk();
    const isolation = await this.isolator.forRun(request);
    const directory = await this.createRunDirectory();
    const abortController = new AbortController();
    const input = new UserMessageQueue();
    let session: WarmSession | undefined;
    const stderr = { stderrTail: '' };
    try {
      const options = this.sdkOptions(
        request,
        directory,
        isolation,
        delegatingBridge(() => session?.currentBridge),
        abortController,
        stderr,
        (entries) => session?.transcriptLoaded(entries, costBaselineOf(entries)),
        (entries) => session?.transcriptAppended(entries.length),
      );
      const conversation = query({ prompt: input, options });
      session = new WarmSession(
        key,
        fixedOptions,
        conversation,
        input,
        directory,
        abortController,
        Date.now(),
      );
    } catch (error) {
      await directory.remove();
      throw error;
    }
    session.workspace = isolation.workspace;
    session.stderr = stderr;
    return session;
  }

  /** A cold or warm run's result; a run the CLI's sandbox could not start marks the sandbox gone. */
  private resultOf(
    request: RuntimeRequest,
    result: SDKResultMessage,
    state: RunState,
    tracker: ToolCallTracker,
    startedAt: number,
    queueWaitMs: number,
  ): RuntimeResult {
    const sandboxFailure = sandboxFailureOf(result);
    if (sandboxFailure !== undefined) {
      this.isolator.sandboxGone(sandboxFailure);
      throw sandboxUnavailableError(sandboxFailure, { interactionId: request.interactionId });
    }
    return toRuntimeResult(result, state, tracker, startedAt, queueWaitMs, this.simulatedModel);
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

  private sdkOptions(
    request: RuntimeRequest,
    directory: RunDirectory,
    isolation: RunIsolation,
    bridge: PermissionBridge,
    abortController: AbortController,
    state: { stderrTail: string },
    onTranscriptLoaded: (entries: ReadonlyArray<Record<string, unknown>>) => void,
    onTranscriptAppended?: (entries: ReadonlyArray<Record<string, unknown>>) => void,
  ): Options {
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
        onTranscriptLoaded,
        onTranscriptAppended,
      );
    }
    if (request.resumeSessionId) options.resume = request.resumeSessionId;
    return options;
  }
}
