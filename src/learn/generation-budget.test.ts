/**
 * Writing a handler is a model run like any other: it passes through the agent's daily budget (a spent
 * budget refuses it with the typed error, recorded on the candidate, which the next pass retries), and its
 * cost shows in the cost analytics as `learn/generation`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import {
  hoursReply,
  hoursRequests,
  learnOptimization,
  learnPatterns,
  refundReply,
  refundRequests,
  shippingReply,
  shippingRequests,
} from '../../test/support/learn-clusters.js';
import { ClaudeAgent } from '../agent/index.js';
import { CostRollups } from '../optimize/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { readGenerationPrompt, writeKeywordHandler } from '../simulator/index.js';

const recorded = new Map<string, string>([
  ...hoursRequests.map((text) => [text, hoursReply] as const),
  ...refundRequests.map((text) => [text, refundReply] as const),
  ...shippingRequests.map((text) => [text, shippingReply] as const),
]);

const generationCostUsd = 0.04;

function modelStandIn() {
  return new FunctionRuntime(async (request) => {
    const generation = readGenerationPrompt(request.prompt);
    if (generation) {
      return { text: writeKeywordHandler(generation), costUsd: generationCostUsd };
    }
    return { text: recorded.get(request.prompt) ?? 'Let me check.', costUsd: 0.001 };
  });
}

describe.each(storeEngines)('handler generation and the budget on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('a spent budget refuses generation with budget-exceeded on the candidate; with budget left it is spent and analysed as learn/generation', async () => {
    opened = await engine.open();
    let clock = Date.UTC(2026, 11, 4, 9);
    const base = {
      tenantId: 'acme',
      agentId: 'desk',
      store: opened.store,
      now: () => clock,
      learning: {
        enabled: true,
        patterns: learnPatterns,
        capabilities: { autoGenerate: true, requireApproval: true, testCoverage: 0.8 },
      },
    };
    const recorder = new ClaudeAgent({ ...base, runtime: modelStandIn(), optimization: learnOptimization });
    try {
      for (const text of recorded.keys()) {
        clock += 1000;
        await recorder.handle({ text, conversationId: `history-${clock}` });
      }
    } finally {
      await recorder.close();
    }

    const spent = new ClaudeAgent({
      ...base,
      runtime: modelStandIn(),
      optimization: { ...learnOptimization, budget: { daily: 0 } },
    });
    try {
      const learning = (await spent.learning())!;
      const cycle = await learning.runCycle();
      expect(cycle.detected).toHaveLength(3);
      for (const capability of await learning.list()) {
        expect(capability.state).toBe('detected');
        expect(capability.generationError).toMatch(/^budget-exceeded: /);
        expect(capability.code).toBeNull();
      }
      expect((await (await spent.budget())!.status({ tenantId: 'acme', agentId: 'desk' })).spentUsd).toBe(0);
    } finally {
      await spent.close();
    }

    clock += 86_400_000;
    const funded = new ClaudeAgent({
      ...base,
      runtime: modelStandIn(),
      optimization: { ...learnOptimization, budget: { daily: 5 } },
    });
    try {
      const learning = (await funded.learning())!;
      await learning.runCycle();
      const all = await learning.list();
      expect(all).toHaveLength(3);
      expect(all.filter((capability) => capability.state === 'pending-approval').length).toBeGreaterThan(0);
      for (const capability of all) {
        expect(capability.generationError).toBeNull();
        expect(capability.code).not.toBeNull();
        expect(['pending-approval', 'failed-validation']).toContain(capability.state);
        expect(capability.generationCostUsd).toBeCloseTo(generationCostUsd);
      }
      const status = await (await funded.budget())!.status({ tenantId: 'acme', agentId: 'desk' });
      expect(status.spentUsd).toBeCloseTo(3 * generationCostUsd);
      const report = await new CostRollups(opened.store).report({ tenantId: 'acme', agentId: 'desk' });
      expect(report.totals.byTier['learn/generation']).toMatchObject({ requests: 0, savingsUsd: 0 });
      expect(report.totals.byTier['learn/generation']!.costUsd).toBeCloseTo(3 * generationCostUsd);
      expect(report.totals.requests).toBe(recorded.size);
    } finally {
      await funded.close();
    }
  });
});
