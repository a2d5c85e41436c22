/**
 * Budgets through ClaudeAgent: each model run reserves its upper bound and settles its actual cost; with
 * the day's budget spent, the agent answers with the polite fallback and records why; two app instances
 * on one PostgreSQL never spend past the budget together.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ClaudeAgent } from '../src/agent/index.js';
import { type BudgetTables, CostRollups, costOf } from '../src/optimize/index.js';
import { FunctionRuntime, type RuntimeRequest } from '../src/runtime/index.js';
import { openStore, type StewardStore } from '../src/store/index.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import { storeEngines, type TestStore } from './support/engines.js';

describe.each(storeEngines)('budgets through the pipeline on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('reserves, settles, and answers politely once the day is spent', async () => {
    opened = await engine.open();
    const requests: RuntimeRequest[] = [];
    const runtime = new FunctionRuntime(
      async (request) => {
        requests.push(request);
        return 'Our bakery opens at 7.';
      },
      { costUsd: 0.05 },
    );
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'front-desk',
      store: opened.store,
      runtime,
      model: 'claude-haiku-4-5',
      limits: { maxOutputTokens: 1024 },
      optimization: {
        budget: {
          daily: 0.3,
          perRequest: 0.05,
          alertThreshold: 0.5,
          fallbackReply: 'We are closed for questions today.',
        },
        fallback: ['intelligent'],
      },
    });
    const alerts: number[] = [];
    agent.events.on('budget-threshold-crossed', (event) => {
      alerts.push(event.threshold);
    });
    agent.events.on('budget-exhausted', () => {
      alerts.push(-1);
    });
    const replies = [];
    for (let index = 0; index < 8; index++)
      replies.push(await agent.handle({ text: `When do you open? ${index}` }));

    // Each run reserves perRequest plus one call's upper bound and settles at $0.05, so the day runs out
    // after a few answers; from then on the agent answers politely and records why.
    const answered = replies.findIndex((reply) => reply.tier !== 'intelligent');
    expect(answered).toBeGreaterThanOrEqual(1);
    expect(replies.slice(0, answered).every((reply) => reply.outcome === 'success')).toBe(true);
    expect(replies[answered]).toMatchObject({
      tier: 'fallback',
      outcome: 'refused',
      errorCode: 'budget-exceeded',
      text: 'We are closed for questions today.',
      costUsd: 0,
    });
    expect(replies.slice(answered).every((reply) => reply.outcome === 'refused')).toBe(true);
    expect(alerts).toEqual([0.5, -1]); // once each, however many refusals follow
    expect(requests).toHaveLength(answered);
    // The SDK gets perRequest as its ceiling, and the output cap that bounds each call.
    expect(requests[0]!.maxBudgetUsd).toBe(0.05);
    expect(requests[0]!.maxOutputTokens).toBe(1024);

    const record = await opened.store.interactions.get('acme', replies[7]!.interactionId);
    expect(record).toMatchObject({ outcome: 'refused', errorCode: 'budget-exceeded' });
    const costs = await new CostRollups(opened.store).report({ tenantId: 'acme' });
    expect(costs.totals.byTier).toMatchObject({
      intelligent: { requests: answered },
      fallback: { requests: 8 - answered },
    });
    expect(costs.totals.costUsd).toBeCloseTo(0.05 * answered, 9);
    await agent.close();
  });

  it('settles a run that timed out at its full reservation, and releases one that never started', async () => {
    opened = await engine.open();
    let mode: 'timeout' | 'queue' = 'timeout';
    const runtime = new FunctionRuntime(async () => {
      const { StewardError } = await import('../src/errors/index.js');
      throw new StewardError(mode === 'timeout' ? 'runtime-timeout' : 'queue-full', mode);
    });
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'slow',
      store: opened.store,
      runtime,
      model: 'claude-haiku-4-5',
      optimization: { budget: { daily: 1, perRequest: 0.2 }, fallback: ['intelligent'] },
    });
    await expect(agent.handle({ text: 'hello' })).rejects.toMatchObject({ code: 'runtime-timeout' });
    mode = 'queue';
    await expect(agent.handle({ text: 'hello' })).rejects.toMatchObject({ code: 'queue-full' });
    const { BudgetService } = await import('../src/optimize/index.js');
    const status = await new BudgetService(opened.store, { daily: 1 }).status({
      tenantId: 'acme',
      agentId: 'slow',
    });
    // The timed-out run may have spent its whole reservation; the one that never started, nothing.
    const rows = await opened.store.db
      .withTables<BudgetTables>()
      .selectFrom('budget_reservations')
      .select(['status', 'amount_micro_usd', 'actual_micro_usd'])
      .orderBy('created_at')
      .execute();
    expect(rows.map((row) => row.status)).toEqual(['settled', 'released']);
    expect(Number(rows[0]!.actual_micro_usd)).toBe(Number(rows[0]!.amount_micro_usd));
    expect(status.spentUsd).toBe(Number(rows[0]!.amount_micro_usd) / 1e6);
    expect(status.reservedUsd).toBe(0);
    await agent.close();
  });
});

describe('two app instances on one PostgreSQL', () => {
  let database: TestDatabase | undefined;
  const stores: StewardStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await database?.drop();
  });

  it('let 50 concurrent requests spend no more than the daily budget', async () => {
    database = await createTestDatabase(inject('postgresUrl'), 'budget_pipeline');
    for (let instance = 0; instance < 2; instance++) stores.push(await openStore({ url: database.url }, {}));
    let spent = 0;
    const agents = stores.map(
      (store) =>
        new ClaudeAgent({
          tenantId: 'acme',
          agentId: 'front-desk',
          store,
          model: 'claude-haiku-4-5',
          // What a real CLI call reports (overhead partly cached), with an answer of up to maxOutputTokens.
          runtime: new FunctionRuntime(async (request) => {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
            const usage = {
              inputTokens: 2546 + Math.ceil(request.prompt.length / 4),
              cacheReadInputTokens: 8975,
              cacheCreationInputTokens: 0,
              outputTokens: Math.ceil(Math.random() * 4096),
            };
            const costUsd = costOf(usage, 'claude-haiku-4-5');
            spent += costUsd;
            return { text: 'ok', costUsd, usage };
          }),
          optimization: { budget: { daily: 0.4 }, fallback: ['intelligent'] },
        }),
    );
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, index) => agents[index % 2]!.handle({ text: `question ${index}` })),
    );
    const answered = replies.filter((reply) => reply.tier === 'intelligent');
    const refused = replies.filter((reply) => reply.outcome === 'refused');
    expect(answered.length + refused.length).toBe(50);
    // Each run reserves its input (~12k tokens at the cache-write rate) plus one call of 4,096 output
    // tokens, ~$0.036: $0.40 holds eleven at once; settling early frees some, so more get through.
    expect(answered.length).toBeGreaterThanOrEqual(11);
    expect(refused.length).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(0.4 + 1e-9);
    const { BudgetService } = await import('../src/optimize/index.js');
    const status = await new BudgetService(stores[0]!, { daily: 0.4 }).status({
      tenantId: 'acme',
      agentId: 'front-desk',
    });
    expect(status.spentUsd).toBeLessThanOrEqual(0.4);
    expect(Math.abs(status.spentUsd - spent)).toBeLessThan(0.0001); // each settle rounds up to a micro-dollar
    expect(status.reservedUsd).toBe(0);
    for (const agent of agents) await agent.close();
  });
});
