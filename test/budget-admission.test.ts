/**
 * What a model run reserves, and when: a realistic bound of its cost (its real input, a resumed
 * conversation's history, an output bound), taken once the run leaves the concurrency queue. Runs that
 * cost what real CLI calls cost must not be refused while the day has money, a small daily budget must
 * still answer, a long resumed conversation must not spend past the day, and a budget that cannot cover
 * one run is reported when the agent starts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../src/agent/index.js';
import { type BudgetTables, costOf } from '../src/optimize/index.js';
import {
  type AgentRuntime,
  ConcurrencyLimiter,
  createSimulatedRuntime,
  emptyUsage,
  FunctionRuntime,
  type RuntimeRequest,
  type TokenUsage,
} from '../src/runtime/index.js';
import type { StewardStore } from '../src/store/index.js';
import { storeEngines, type TestStore } from './support/engines.js';

/** What one real CLI call reported on claude-opus-5-5 (pricing.ts): 2,546 input + 8,975 cache-read tokens. */
function cliCallUsage(request: RuntimeRequest, outputTokens: number): TokenUsage {
  return {
    inputTokens: 2546 + Math.ceil(request.prompt.length / 4),
    cacheReadInputTokens: 8975,
    cacheCreationInputTokens: 0,
    outputTokens,
  };
}

function openReservations(store: StewardStore): Promise<number> {
  return store.db
    .withTables<BudgetTables>()
    .selectFrom('budget_reservations')
    .select('id')
    .where('status', '=', 'reserved')
    .execute()
    .then((rows) => rows.length);
}

describe.each(storeEngines)('what a model run reserves on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('60 concurrent requests against $50 with perRequest $1: none refused, no exhausted alert, reserved only while running', async () => {
    opened = await engine.open();
    const store = opened.store;
    let spent = 0;
    let mostOpen = 0;
    const runtime = new FunctionRuntime(
      async (request) => {
        mostOpen = Math.max(mostOpen, await openReservations(store));
        await new Promise((resolve) => setTimeout(resolve, 5));
        const usage = cliCallUsage(request, 200);
        const costUsd = costOf(usage, 'claude-opus-5-5');
        spent += costUsd;
        return { text: 'We open at 7.', costUsd, usage };
      },
      { limiter: new ConcurrencyLimiter({ limit: 4 }) },
    );
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'front-desk',
      store,
      runtime,
      optimization: { budget: { daily: 50, perRequest: 1 }, fallback: ['intelligent'] },
    });
    const exhausted: unknown[] = [];
    agent.events.on('budget-exhausted', (event) => {
      exhausted.push(event);
    });
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, index) => agent.handle({ text: `When do you open on day ${index}?` })),
    );
    expect(replies.filter((reply) => reply.outcome === 'refused')).toHaveLength(0);
    expect(exhausted).toEqual([]);
    // Runs waiting for one of the 4 slots hold no money: only the 4 running, and runs that just ended
    // and are settling (their slot is free once the model answered), hold a reservation.
    expect(mostOpen).toBeLessThanOrEqual(8);
    expect(spent).toBeLessThan(1);
    expect(await agent.warnings()).toEqual([]);
    await agent.close();
  });

  it('answers under a daily budget of $0.50 (the old reservation alone was $0.53), and warns below one run', async () => {
    opened = await engine.open();
    const runtime = new FunctionRuntime(async (request) => {
      const usage = cliCallUsage(request, 300);
      return { text: 'We open at 7.', costUsd: costOf(usage, 'claude-opus-5-5'), usage };
    });
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'small',
      store: opened.store,
      runtime,
      optimization: { budget: { daily: 0.5 }, fallback: ['intelligent'] },
    });
    expect(await agent.warnings()).toEqual([]);
    expect(await agent.handle({ text: 'When do you open?' })).toMatchObject({
      tier: 'intelligent',
      outcome: 'success',
    });
    await agent.close();

    const tiny = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'tiny',
      store: opened.store,
      runtime,
      optimization: { budget: { daily: 0.05 }, fallback: ['intelligent'] },
    });
    const warnings = await tiny.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /optimization\.budget\.daily \(\$0\.05\) of acme\/tiny is below what one model run reserves \(\$0\.14: .*every message that reaches the model will be refused/,
    );
    expect(await tiny.handle({ text: 'When do you open?' })).toMatchObject({ outcome: 'refused' });
    await tiny.close();
  });

  it('8 long turns of one resumed conversation never spend past a $1.00 day', async () => {
    opened = await engine.open();
    const model = 'claude-sonnet-4-5';
    // A conversation resumed after the prompt cache expired: the whole history is written to the cache again.
    const history = new Map<string, number>();
    let spent = 0;
    const runtime = new FunctionRuntime(async (request) => {
      const conversation = request.conversationId ?? '';
      const earlier = request.resumeSessionId ? (history.get(conversation) ?? 0) : 0;
      const messageTokens = Math.ceil(request.prompt.length / 4);
      const usage: TokenUsage = {
        inputTokens: messageTokens,
        cacheCreationInputTokens: 12_000 + earlier,
        cacheReadInputTokens: 0,
        outputTokens: 1_500,
      };
      history.set(conversation, earlier + messageTokens + usage.outputTokens);
      const costUsd = costOf(usage, model);
      spent += costUsd;
      return { text: 'Here is my review.', costUsd, usage, sessionId: `session-${conversation}` };
    });
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'lawyer',
      store: opened.store,
      runtime,
      model,
      limits: { maxTurns: 1, maxOutputTokens: 2_000 },
      messageHandling: { maintainContext: true },
      optimization: { budget: { daily: 1 }, fallback: ['intelligent'] },
    });
    const clause = 'Please review this contract clause. '.repeat(600);
    const outcomes: string[] = [];
    for (let turn = 0; turn < 8; turn++) {
      outcomes.push((await agent.handle({ text: clause, conversationId: 'contract' })).outcome);
    }
    const status = await (await agent.budget())!.status({ tenantId: 'acme', agentId: 'lawyer' });
    expect(outcomes.slice(0, 4)).toEqual(['success', 'success', 'success', 'success']);
    expect(outcomes.at(-1)).toBe('refused');
    expect(spent).toBeLessThanOrEqual(1);
    expect(status.spentUsd).toBeLessThanOrEqual(1);
    expect(status.reservedUsd).toBe(0);
    await agent.close();
  });

  it('checks before the run when the runtime does not call admit', async () => {
    opened = await engine.open();
    const runs: RuntimeRequest[] = [];
    // A runtime of the application's own, which knows nothing of admit.
    const runtime: AgentRuntime = {
      name: 'own',
      simulatedModel: true,
      async run(request) {
        runs.push(request);
        return {
          text: 'ok',
          costUsd: 0.01,
          usage: emptyUsage(),
          toolCalls: [],
          permissionDenials: [],
          stopReason: 'completed',
          isError: false,
          numTurns: 1,
          durationMs: 1,
          queueWaitMs: 0,
          simulatedModel: true,
        };
      },
      stats: () => ({ running: 0, queued: 0, limit: 1 }),
      close: async () => {},
    };
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'own-runtime',
      store: opened.store,
      runtime,
      optimization: { budget: { daily: 0.2 }, fallback: ['intelligent'] },
    });
    expect((await agent.handle({ text: 'hello' })).outcome).toBe('success');
    expect(runs[0]!.admit).toBeUndefined();
    expect((await agent.handle({ text: 'hello' })).outcome).toBe('success');
    // With $0.12 spent, another reservation (~$0.14) does not fit: refused before the runtime is called.
    const budget = await agent.budget();
    await budget!.settle(
      await budget!.reserve(
        { tenantId: 'acme', agentId: 'own-runtime' },
        { interactionId: 'x', amountUsd: 0.1 },
      ),
      0.1,
    );
    expect((await agent.handle({ text: 'hello' })).outcome).toBe('refused');
    expect(runs).toHaveLength(2);
    await agent.close();
  });
});

describe('through the real SDK and CLI (against the simulated model)', () => {
  let opened: TestStore | undefined;
  let runtime: AgentRuntime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    await opened?.cleanup();
    opened = undefined;
  });

  it('reserves as each run leaves the queue: 6 messages, 2 at a time, a day that holds 3 reservations', async () => {
    opened = await storeEngines[0]!.open();
    const store = opened.store;
    let mostOpen = 0;
    const sdk = await createSimulatedRuntime({
      concurrency: 2,
      respond: async () => {
        mostOpen = Math.max(mostOpen, await openReservations(store));
        return { text: 'We open at 7.' };
      },
    });
    runtime = sdk;
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'sdk',
      store,
      runtime: sdk,
      // One run reserves ~$0.14 (12,000 input tokens at $5 per million, 4,096 output tokens at $20).
      optimization: { budget: { daily: 0.45 }, fallback: ['intelligent'] },
    });
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, index) => agent.handle({ text: `When do you open on day ${index}?` })),
    );
    expect(replies.map((reply) => reply.outcome)).toEqual(Array(6).fill('success'));
    expect(mostOpen).toBeGreaterThan(0);
    expect(mostOpen).toBeLessThanOrEqual(3);
    const status = await (await agent.budget())!.status({ tenantId: 'acme', agentId: 'sdk' });
    expect(status.reservedUsd).toBe(0);
    expect(status.spentUsd).toBeGreaterThan(0);
    await agent.close();
  });
});
