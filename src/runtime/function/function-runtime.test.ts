import { describe, expect, it } from 'vitest';
import { StewardError } from '../../errors/index.js';
import { ConcurrencyLimiter } from '../concurrency-limiter.js';
import type { RuntimeEvent, RuntimeRequest } from '../types.js';
import { FunctionRuntime } from './function-runtime.js';

const request: RuntimeRequest = {
  tenantId: 'acme',
  agentId: 'support',
  interactionId: 'i-1',
  prompt: 'hello',
};

describe('FunctionRuntime', () => {
  it('answers with the function’s text at zero cost, marked as simulated by default', async () => {
    const events: RuntimeEvent[] = [];
    const runtime = new FunctionRuntime(async ({ prompt }) => `echo: ${prompt}`);
    const result = await runtime.run({ ...request, onEvent: (event) => events.push(event) });
    expect(result).toMatchObject({
      text: 'echo: hello',
      costUsd: 0,
      usage: { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
      toolCalls: [],
      permissionDenials: [],
      stopReason: 'completed',
      isError: false,
      queueWaitMs: 0,
      simulatedModel: true,
    });
    expect(events).toEqual([{ type: 'assistant-text', text: 'echo: hello' }]);
    expect(runtime.simulatedModel).toBe(true);
  });

  it('lets the function set parts of the result, and applies the configured cost', async () => {
    const runtime = new FunctionRuntime(async () => ({ text: 'partial', stopReason: 'max-turns' }), {
      costUsd: 0.002,
      simulatedModel: false,
    });
    const result = await runtime.run(request);
    expect(result).toMatchObject({
      text: 'partial',
      stopReason: 'max-turns',
      costUsd: 0.002,
      simulatedModel: false,
    });
  });

  it('wraps a failing function in runtime-failed', async () => {
    const runtime = new FunctionRuntime(async () => {
      throw new Error('model down');
    });
    const error = await runtime.run(request).catch((caught: unknown) => caught);
    expect(StewardError.isInstance(error) && error.code).toBe('runtime-failed');
    expect((error as Error).message).toContain('model down');
  });

  it('refuses runs after close and aborted runs', async () => {
    const runtime = new FunctionRuntime(async () => 'x');
    const aborted = await runtime
      .run({ ...request, signal: AbortSignal.abort() })
      .catch((caught: unknown) => caught);
    expect(StewardError.isInstance(aborted) && aborted.code).toBe('aborted');
    await runtime.close();
    const closed = await runtime.run(request).catch((caught: unknown) => caught);
    expect(StewardError.isInstance(closed) && closed.code).toBe('shutting-down');
  });

  it('admits each run before its function is called; a throwing admit ends the run with that error', async () => {
    const order: string[] = [];
    const runtime = new FunctionRuntime(async () => {
      order.push('model');
      return 'ok';
    });
    expect(runtime.callsAdmit).toBe(true);
    await runtime.run({
      ...request,
      admit: async () => {
        order.push('admit');
      },
    });
    expect(order).toEqual(['admit', 'model']);

    const refusal = new StewardError('budget-exceeded', 'the day is spent');
    const error = await runtime
      .run({
        ...request,
        admit: async () => {
          throw refusal;
        },
      })
      .catch((caught: unknown) => caught);
    // Not wrapped in runtime-failed: the caller sees its own refusal.
    expect(error).toBe(refusal);
    expect(order).toEqual(['admit', 'model']);
    expect(runtime.stats().running).toBe(0);
  });

  it('queues runs behind a limiter and admits each only once it holds a slot', async () => {
    let finishFirst!: () => void;
    const firstRunning = new Promise<void>((resolve) => {
      finishFirst = resolve;
    });
    const limiter = new ConcurrencyLimiter({ limit: 1 });
    const runtime = new FunctionRuntime(
      async (run) => {
        if (run.interactionId === 'first') await firstRunning;
        return run.interactionId;
      },
      { limiter },
    );
    const admitted: string[] = [];
    const admit = (id: string) => async () => {
      admitted.push(id);
    };
    const first = runtime.run({ ...request, interactionId: 'first', admit: admit('first') });
    const second = runtime.run({ ...request, interactionId: 'second', admit: admit('second') });
    await new Promise((resolve) => setImmediate(resolve));
    expect(runtime.stats()).toEqual({ running: 1, queued: 1, limit: 1 });
    expect(admitted).toEqual(['first']);
    finishFirst();
    expect((await first).text).toBe('first');
    expect((await second).text).toBe('second');
    expect(admitted).toEqual(['first', 'second']);
  });

  it('rejects a negative cost', () => {
    expect(() => new FunctionRuntime(async () => 'x', { costUsd: -1 })).toThrow(
      /costUsd must be a number >= 0/,
    );
  });
});
