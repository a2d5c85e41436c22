/**
 * An in-process runtime: a plain function answers each run. It costs nothing and answers at once, so
 * benchmarks measure only the pipeline around the model, and embedders can plug in their own model call.
 */
import { StewardError } from '../../errors/index.js';
import type { ConcurrencyLimiter } from '../concurrency-limiter.js';
import {
  type AgentRuntime,
  emptyUsage,
  type RuntimeRequest,
  type RuntimeResult,
  type RuntimeStats,
} from '../types.js';

/** Answers one run with the reply text, or with the parts of a result it wants to set. */
export type RuntimeFunction = (request: RuntimeRequest) => Promise<string | Partial<RuntimeResult>>;

export interface FunctionRuntimeOptions {
  /** Whether replies count as coming from a simulated model; default true (they are not Claude's). */
  simulatedModel?: boolean;
  /** Cost reported for each run that does not set `costUsd` itself; default 0. */
  costUsd?: number;
  /**
   * Queues runs behind this limiter (fair per tenant) as the SDK runtime does, so a benchmark can model a
   * host's concurrency limit; default none: every run starts at once.
   */
  limiter?: ConcurrencyLimiter;
}

/**
 * @example
 * const runtime = new FunctionRuntime(async (request) => `echo: ${request.prompt}`);
 * const result = await runtime.run({ tenantId: 't', agentId: 'a', interactionId: 'i', prompt: 'hi' });
 * // result.text === 'echo: hi', result.costUsd === 0
 */
export class FunctionRuntime implements AgentRuntime {
  readonly name = 'function';
  readonly simulatedModel: boolean;
  readonly callsAdmit = true;
  private readonly answer: RuntimeFunction;
  private readonly costUsd: number;
  private readonly limiter: ConcurrencyLimiter | undefined;
  private running = 0;
  private closing = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(answer: RuntimeFunction, options: FunctionRuntimeOptions = {}) {
    if (typeof answer !== 'function') {
      throw new StewardError(
        'invalid-config',
        'FunctionRuntime needs a function (request) => Promise<string | result>',
      );
    }
    const costUsd = options.costUsd ?? 0;
    if (!Number.isFinite(costUsd) || costUsd < 0) {
      throw new StewardError(
        'invalid-config',
        `FunctionRuntime costUsd must be a number >= 0, received ${costUsd}`,
      );
    }
    this.answer = answer;
    this.costUsd = costUsd;
    this.simulatedModel = options.simulatedModel ?? true;
    this.limiter = options.limiter;
  }

  run(request: RuntimeRequest): Promise<RuntimeResult> {
    if (this.closing) {
      return Promise.reject(
        new StewardError('shutting-down', 'the runtime is closing; no new runs are accepted'),
      );
    }
    if (request.signal?.aborted) {
      return Promise.reject(new StewardError('aborted', 'the run was aborted before it started'));
    }
    const limiter = this.limiter;
    const run = limiter
      ? limiter.run(request.tenantId, (queueWaitMs) => this.execute(request, queueWaitMs), {
          signal: request.signal,
          admit: request.admit,
        })
      : this.admitThenExecute(request);
    this.inFlight.add(run);
    const forget = () => this.inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  stats(): RuntimeStats {
    return this.limiter?.stats ?? { running: this.running, queued: 0, limit: Number.POSITIVE_INFINITY };
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private async admitThenExecute(request: RuntimeRequest): Promise<RuntimeResult> {
    await request.admit?.();
    return this.execute(request, 0);
  }

  private async execute(request: RuntimeRequest, queueWaitMs: number): Promise<RuntimeResult> {
    const startedAt = performance.now();
    this.running++;
    let answer: string | Partial<RuntimeResult>;
    try {
      answer = await this.answer(request);
    } catch (error) {
      if (StewardError.isInstance(error)) throw error;
      throw new StewardError(
        'runtime-failed',
        `the runtime function failed: ${(error as Error)?.message ?? error}`,
        {
          cause: error,
        },
      );
    } finally {
      this.running--;
    }
    const partial: Partial<RuntimeResult> =
      typeof answer === 'string'
        ? { text: answer }
        : Object.fromEntries(Object.entries(answer ?? {}).filter(([, value]) => value !== undefined));
    const result: RuntimeResult = {
      text: '',
      costUsd: this.costUsd,
      usage: emptyUsage(),
      toolCalls: [],
      permissionDenials: [],
      stopReason: 'completed',
      isError: false,
      numTurns: 1,
      durationMs: Math.round(performance.now() - startedAt),
      queueWaitMs,
      simulatedModel: this.simulatedModel,
      ...partial,
    };
    if (result.text) request.onEvent?.({ type: 'assistant-text', text: result.text });
    return result;
  }
}
