/**
 * Drives the real Claude Agent SDK and its bundled CLI against the simulated Messages API on 127.0.0.1.
 * Each run spawns a CLI child (about 1 s each).
 */
import { describe, expect, it } from 'vitest';
import {
  closeAfterEach,
  quoteResult,
  runRequest,
  startSimulatedRuntime,
} from '../../../test/support/simulated-sdk-runtime.js';
import { StewardError } from '../../errors/index.js';
import {
  allMessageText,
  callToolThenReply,
  failWithHttpError,
  keepCallingTool,
  replyWithText,
} from '../../simulator/index.js';

closeAfterEach();

describe('ClaudeAgentSdkRuntime with the real SDK and CLI', () => {
  it('returns the model’s text with a nonzero cost, token usage and a session id', async () => {
    const { model, runtime } = await startSimulatedRuntime(replyWithText('Hello! How can I help?'));
    const run = runRequest({ systemPrompt: 'You are the support agent of Acme.' });
    const startedAt = Date.now();
    const result = await runtime.run(run);
    const elapsedMs = Date.now() - startedAt;

    expect(result.text).toBe('Hello! How can I help?');
    expect(result.stopReason).toBe('completed');
    expect(result.isError).toBe(false);
    expect(result.simulatedModel).toBe(true);
    expect(result.costUsd).toBeGreaterThan(0);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.usage.cacheReadInputTokens).toBeGreaterThan(0);
    expect(result.numTurns).toBe(1);
    expect(result.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.toolCalls).toEqual([]);
    expect(result.queueWaitMs).toBeLessThan(50);
    expect(run.events).toEqual([
      { type: 'session-started', sessionId: result.sessionId },
      { type: 'assistant-text', text: 'Hello! How can I help?' },
    ]);
    // One model call, with our system prompt and the user's text; no side requests with our environment.
    expect(model.requests).toHaveLength(1);
    expect(JSON.stringify(model.requests[0]?.system)).toContain('You are the support agent of Acme.');
    expect(allMessageText(model.requests[0]!)).toContain('Please help me');
    expect(model.sideRequests).toEqual([]);
    expect(model.unexpectedRequests).toEqual([]);
    expect(elapsedMs).toBeLessThan(15_000);
    expect(runtime.stats()).toEqual({ running: 0, queued: 0, limit: 4 });
  });

  it('records a call of a tool the session does not have as failed', async () => {
    const { runtime } = await startSimulatedRuntime(
      callToolThenReply({ toolUse: { name: 'NoSuchTool', input: {} }, reply: quoteResult }),
    );
    const run = runRequest();
    const result = await runtime.run(run);
    expect(result.text).toMatch(/^Tool refused: .*No such tool available: NoSuchTool/);
    expect(result.toolCalls).toEqual([
      expect.objectContaining({
        toolName: 'NoSuchTool',
        status: 'failed',
        message: expect.stringContaining('No such tool available'),
      }),
    ]);
    expect(run.events).toContainEqual(
      expect.objectContaining({ type: 'tool-call-failed', toolName: 'NoSuchTool' }),
    );
  });

  it('stops at maxBudgetUsd with stopReason max-budget', async () => {
    const { model, runtime } = await startSimulatedRuntime(
      keepCallingTool({ name: 'Write', input: { file_path: 'a.txt', content: 'x' } }),
    );
    const result = await runtime.run(runRequest({ maxBudgetUsd: 0.005 }));

    expect(result.stopReason).toBe('max-budget');
    expect(result.isError).toBe(true);
    expect(result.errorMessage).toBe('Reached maximum budget ($0.005)');
    // The budget is checked after each model call: the call that crosses it is spent.
    expect(result.costUsd).toBeGreaterThan(0.005);
    expect(model.requests).toHaveLength(1);
  });

  it('returns an is_error result (not a throw) when the API answers HTTP 500 and retries are off', async () => {
    const { model, runtime } = await startSimulatedRuntime(
      failWithHttpError(500, 'api_error', 'Internal server error'),
      {
        extraEnv: { CLAUDE_CODE_MAX_RETRIES: '0' },
      },
    );
    const run = runRequest();
    const result = await runtime.run(run);

    expect(result.isError).toBe(true);
    expect(result.stopReason).toBe('error');
    expect(result.errorMessage).toMatch(/^API Error: 500 Internal server error/);
    // The CLI's synthetic "API Error" assistant message is not the model's reply.
    expect(result.text).toBe('');
    expect(run.events.some((event) => event.type === 'assistant-text')).toBe(false);
    expect(result.costUsd).toBe(0);
    expect(model.requests).toHaveLength(1);
  });

  it('ends a run that takes too long with runtime-timeout, without waiting for the CLI to exit', async () => {
    const { runtime } = await startSimulatedRuntime(() => ({ text: 'too late', delayMs: 30_000 }));
    const startedAt = Date.now();
    const error = await runtime.run(runRequest({ timeoutMs: 1_000 })).catch((caught: unknown) => caught);
    const elapsedMs = Date.now() - startedAt;

    expect(StewardError.isInstance(error) && error.code).toBe('runtime-timeout');
    expect((error as Error).message).toBe('the model run took longer than 1000 ms and was stopped');
    expect(elapsedMs).toBeLessThan(2_500);
    // The slot stays taken until the child is gone; close() waits for that.
    await runtime.close();
    expect(runtime.stats().running).toBe(0);
  });

  it('rejects with aborted when the caller’s signal fires', async () => {
    const { runtime } = await startSimulatedRuntime(() => ({ text: 'too late', delayMs: 30_000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 800);
    const error = await runtime
      .run(runRequest({ signal: controller.signal }))
      .catch((caught: unknown) => caught);
    expect(StewardError.isInstance(error) && error.code).toBe('aborted');
  });

  it('throws runtime-failed when the CLI cannot be started', async () => {
    const { model, runtime } = await startSimulatedRuntime(replyWithText('unused'), {
      pathToClaudeCodeExecutable: '/nonexistent/claude',
    });
    const error = await runtime.run(runRequest()).catch((caught: unknown) => caught);
    expect(StewardError.isInstance(error) && error.code).toBe('runtime-failed');
    expect((error as Error).message).toMatch(/ended without a result: .*\/nonexistent\/claude/);
    expect(model.requests).toHaveLength(0);
    expect(runtime.stats().running).toBe(0);
  });

  it('queues runs beyond its concurrency, admits each once it holds a slot, and reports the wait', async () => {
    const waits: number[] = [];
    const { model, runtime } = await startSimulatedRuntime(replyWithText('ok'), {
      concurrency: 1,
      onQueueWait: (waitMs) => waits.push(waitMs),
    });
    expect(runtime.callsAdmit).toBe(true);
    // What the model had been asked when each run was admitted.
    const admitted: Array<{ tenant: string; modelRequests: number }> = [];
    const admit = (tenant: string) => async () => {
      admitted.push({ tenant, modelRequests: model.requests.length });
    };
    const [first, second] = await Promise.all([
      runtime.run(runRequest({ tenantId: 'tenant-a', admit: admit('tenant-a') })),
      runtime.run(runRequest({ tenantId: 'tenant-b', admit: admit('tenant-b') })),
    ]);
    expect(first.queueWaitMs).toBeLessThan(50);
    // The second tenant waited for the whole first run (a CLI start and a model call).
    expect(second.queueWaitMs).toBeGreaterThan(200);
    expect(waits).toEqual([first.queueWaitMs, second.queueWaitMs]);
    // Admitted when it left the queue, after the first run's model call, not when it started waiting.
    expect(admitted).toEqual([
      { tenant: 'tenant-a', modelRequests: 0 },
      { tenant: 'tenant-b', modelRequests: 1 },
    ]);
  });

  it('ends a run whose admit throws with that error, before any CLI child or model call', async () => {
    const { model, runtime } = await startSimulatedRuntime(replyWithText('ok'), { concurrency: 1 });
    const refusal = new StewardError('budget-exceeded', 'the day is spent');
    const error = await runtime
      .run(
        runRequest({
          admit: async () => {
            throw refusal;
          },
        }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBe(refusal);
    expect(model.requests).toHaveLength(0);
    // The slot was given back: the next run goes through.
    expect(runtime.stats()).toEqual({ running: 0, queued: 0, limit: 1 });
    expect((await runtime.run(runRequest())).text).toBe('ok');
  });
});
