/**
 * claude-steward/optimize without ClaudeAgent: an application with its own model call uses the cache
 * and pattern tiers, the daily budget and the cost rollups through the subpath export alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  type AnswerTier,
  BudgetService,
  CacheTier,
  CostRollups,
  PatternTier,
  runFallbackChain,
  type TierAnswer,
  type TierContext,
} from '../src/optimize/index.js';
import { emptyUsage } from '../src/runtime/index.js';
import { openStore } from '../src/store/index.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

it('runs the fallback chain, budget and cost rollups from claude-steward/optimize alone', async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-optimize-'));
  const store = await openStore({ path: join(dir, 'steward.db') }, {});
  try {
    const scope = { tenantId: 'acme', agentId: 'desk' };
    const budget = new BudgetService(store, { daily: 0.1 });
    let modelCalls = 0;
    // The application's own model call, behind the budget: reserve, call, settle.
    const model: AnswerTier = {
      name: 'intelligent',
      async answer(context) {
        const reservation = await budget.reserve(scope, {
          interactionId: context.interactionId,
          amountUsd: 0.05,
        });
        modelCalls++;
        await budget.settle(reservation, 0.04);
        return {
          text: `answer to ${context.text}`,
          costUsd: 0.04,
          usage: emptyUsage(),
          toolCalls: [],
          outcome: 'success',
          queueWaitMs: 0,
          simulatedModel: false,
        } satisfies TierAnswer;
      },
    };
    const cache = new CacheTier(
      store,
      { enableCache: true, cacheRules: [{ similarity: 0.9, ttl: 3600 }], fallback: ['cache', 'intelligent'] },
      { shape: { tools: [] } },
    );
    const patterns = new PatternTier(
      store,
      {
        autoDetect: true,
        minFrequency: 10,
        confidence: 0.9,
        costPerAnswer: 0.001,
        neighbors: 10,
        minSimilarity: 0.5,
        mode: 'serve',
        maxObservations: 1000,
      },
      { shape: { tools: [] } },
    );
    const costs = new CostRollups(store);
    let sequence = 0;
    const ask = async (text: string) => {
      const context: TierContext = {
        ...scope,
        interactionId: `i${++sequence}`,
        conversationId: `c${sequence}`,
        channel: 'api',
        text,
      };
      const result = await runFallbackChain([cache, patterns, model], context);
      if (result.answered?.tier === 'intelligent') {
        await cache.store(context, result.answered.answer, false);
        await patterns.observe(context, result.answered.answer, false);
      }
      const answer = result.answered?.answer;
      await costs.record({
        id: context.interactionId,
        ...scope,
        conversationId: context.conversationId,
        channel: 'api',
        tier: result.answered?.tier ?? 'fallback',
        outcome: result.refusal ? 'refused' : 'success',
        requestText: text,
        replyText: answer?.text ?? 'sorry',
        costUsd: answer?.costUsd ?? 0,
        usage: emptyUsage(),
        latencyMs: 1,
        queueWaitMs: 0,
        toolCalls: [],
        simulatedModel: false,
        createdAt: Date.now(),
      });
      return result;
    };

    expect((await ask('When do you open?')).answered?.tier).toBe('intelligent');
    expect((await ask('when do you open')).answered).toMatchObject({ tier: 'cache', answer: { costUsd: 0 } });
    expect((await ask('Do you deliver?')).answered?.tier).toBe('intelligent');
    // 0.08 settled; a third model call would need 0.05 of the 0.02 left.
    const refused = await ask('Can I pay by card?');
    expect(refused.answered).toBeUndefined();
    expect(refused.refusal?.code).toBe('budget-exceeded');
    expect(modelCalls).toBe(2);
    const report = await costs.report({ tenantId: 'acme' });
    expect(report.totals).toMatchObject({ requests: 4 });
    expect(report.totals.costUsd).toBeCloseTo(0.08, 9);
    expect(report.totals.cacheHitRate).toBeCloseTo(0.25, 9);
  } finally {
    await store.close();
  }
});
