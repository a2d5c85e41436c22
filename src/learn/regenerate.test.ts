/**
 * After a rollback a cluster may get a new handler, on new evidence only and a bounded number of times:
 * through ClaudeAgent on both engines, a handler that throws on urgent requests is rolled back; without
 * new traffic nothing is rewritten; with new traffic generation 2 is written from the requests the first
 * failed on and goes through validation, approval and a canary from zero; after the third generation the
 * cluster is left to the model.
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
} from '../../test/support/learn-clusters.js';
import { ClaudeAgent } from '../agent/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { readGenerationPrompt, writeKeywordHandler } from '../simulator/index.js';
import type { Capability } from './capability-store.js';
import { regenerationDecision } from './regenerate.js';

/** The stand-in model: its first hours handler throws on urgent requests; one shown counter-examples does not. */
function modelStandIn(prompts: string[]) {
  return new FunctionRuntime(
    async (request) => {
      const generation = readGenerationPrompt(request.prompt);
      if (generation) {
        prompts.push(request.prompt);
        const good = writeKeywordHandler(generation);
        const warned = request.prompt.includes('"counterExamples"');
        if (generation.examples[0]?.reply === hoursReply && !warned) {
          return `\`\`\`javascript\nfunction handler(request, context) {\n  if (/urgent/i.test(request.text)) throw new Error('unexpected');\n  return (${good})(request, context);\n}\n\`\`\``;
        }
        return `\`\`\`javascript\n${good}\n\`\`\``;
      }
      if (/hour|open/.test(request.prompt)) return hoursReply;
      if (/refund/.test(request.prompt)) return refundReply;
      return 'Let me check that for you.';
    },
    { costUsd: 0.04 },
  );
}

describe.each(storeEngines)('regenerating a rolled-back cluster on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('waits for new traffic, writes the next generation from the failures, and stops at maxGenerations', async () => {
    opened = await engine.open();
    let clock = 1_780_000_000_000;
    const prompts: string[] = [];
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'desk',
      store: opened.store,
      runtime: modelStandIn(prompts),
      now: () => clock,
      audit: { level: 'standard' as const },
      optimization: learnOptimization,
      learning: {
        enabled: true,
        patterns: learnPatterns,
        capabilities: { autoGenerate: true, requireApproval: true, testCoverage: 0.8, maxGenerations: 3 },
        deployment: { strategy: 'canary', rolloutPercentage: 100, successCriteria: { errorRate: 0.05 } },
      },
    });
    try {
      let conversation = 0;
      const ask = (text: string) => {
        clock += 1000;
        conversation++;
        return agent.handle({ text, channel: 'web', conversationId: `conversation-${conversation}` });
      };
      const learning = (await agent.learning())!;
      const hoursGenerations = async () =>
        (await learning.list())
          .filter((capability) => capability.cluster.training[0]?.reply === hoursReply)
          .sort((left, right) => left.generation - right.generation);

      for (const text of [...hoursRequests, ...refundRequests]) await ask(text);
      await learning.runCycle();
      const [first] = await hoursGenerations();
      expect(first).toMatchObject({ generation: 1, state: 'pending-approval' });
      await learning.approve(first!.id, 'alice');

      // The first handler throws on urgent requests: rolled back at once; the model answered them.
      for (let index = 0; index < 4; index++) await ask(`urgent: ${hoursRequests[index]}`);
      expect((await learning.get(first!.id)).state).toBe('rolled-back');

      // No new traffic since the rollback (4 members < minOccurrences): no new generation.
      const quiet = await learning.runCycle();
      expect(quiet.regenerated).toEqual([]);
      expect(await hoursGenerations()).toHaveLength(1);
      let analytics = await learning.analytics();
      expect(analytics.capabilities.find((entry) => entry.id === first!.id)).toMatchObject({
        generation: 1,
        afterRollback: 'waiting-for-new-traffic',
      });

      // New traffic of the cluster: generation 2, shown the requests the first failed on.
      for (const text of hoursRequests.slice(0, 10)) await ask(text);
      const cycle = await learning.runCycle();
      const second = (await hoursGenerations())[1]!;
      expect(cycle.regenerated).toEqual([second.id]);
      expect(second).toMatchObject({ generation: 2, state: 'pending-approval', rollout: 100 });
      // Rolled back on its first failure: the one request it threw on is the counter-example.
      expect(second.cluster.counterExamples).toEqual([`urgent: ${hoursRequests[0]}`]);
      expect(second.generationPrompt).toContain('"counterExamples"');
      expect(second.validationReport?.passed).toBe(true);
      expect(second.canary).toMatchObject({ trials: 0, replies: 0, exceptions: 0 });
      // Approval again, then a canary from zero: the new handler answers, urgent requests included.
      await learning.approve(second.id, 'alice');
      const urgent = await ask(`urgent: ${hoursRequests[5]}`);
      expect(urgent).toMatchObject({ tier: 'pattern', text: hoursReply });
      expect((await learning.get(second.id)).canary).toMatchObject({ trials: 1, replies: 1, exceptions: 0 });
      analytics = await learning.analytics();
      expect(analytics.capabilities.find((entry) => entry.id === first!.id)?.afterRollback).toBe(
        'regenerated',
      );
      // The same pass again writes nothing more.
      expect((await learning.runCycle()).regenerated).toEqual([]);

      // Rolled back by an operator, new traffic: generation 3, the last one allowed.
      await learning.rollback(second.id, 'bob');
      for (const text of hoursRequests.slice(0, 10)) await ask(text);
      expect((await learning.runCycle()).regenerated).toHaveLength(1);
      const third = (await hoursGenerations())[2]!;
      expect(third.generation).toBe(3);
      await learning.approve(third.id, 'alice');
      await learning.rollback(third.id, 'bob');
      for (const text of hoursRequests) await ask(text);
      expect((await learning.runCycle()).regenerated).toEqual([]);
      expect(await hoursGenerations()).toHaveLength(3);
      analytics = await learning.analytics();
      expect(analytics.capabilities.find((entry) => entry.id === third.id)).toMatchObject({
        generation: 3,
        afterRollback: 'left-to-the-model',
      });
      expect((await ask(hoursRequests[0]!)).tier).toBe('intelligent');

      const audit = (await agent.audit())!;
      const records = (
        await audit.search({
          tenantId: 'acme',
          agentId: 'desk',
          eventTypes: ['capability-regenerated'],
          limit: 10,
        })
      ).records;
      expect(records).toHaveLength(2);
    } finally {
      await agent.close();
    }
  });
});

describe('the regeneration rule', () => {
  const capability = (generation: number, state: Capability['state'], rolledBackAt: number | null) =>
    ({ generation, state, rolledBackAt, updatedAt: rolledBackAt ?? 0 }) as Capability;
  const settings = { minOccurrences: 3, maxGenerations: 3 };

  it('counts only members observed after the newest rollback, and stops at maxGenerations', () => {
    const times = [5, 10, 20, 21, 22];
    expect(regenerationDecision([capability(1, 'canary', null)], times, settings)).toEqual({ kind: 'none' });
    expect(regenerationDecision([capability(1, 'rolled-back', 20)], times, settings)).toEqual({
      kind: 'wait',
      newObservations: 2,
      needed: 3,
    });
    expect(regenerationDecision([capability(1, 'rolled-back', 10)], times, settings)).toMatchObject({
      kind: 'regenerate',
      generation: 2,
      newObservations: 3,
    });
    expect(
      regenerationDecision(
        [capability(2, 'pending-approval', null), capability(1, 'rolled-back', 1)],
        times,
        settings,
      ),
    ).toEqual({ kind: 'none' });
    expect(regenerationDecision([capability(3, 'rolled-back', 1)], times, settings)).toEqual({
      kind: 'exhausted',
      generations: 3,
    });
  });
});
