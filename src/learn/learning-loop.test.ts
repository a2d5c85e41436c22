/**
 * The learning loop through ClaudeAgent on both engines, with an in-process runtime standing in for the
 * model (the real SDK run of the same loop is test/learn.e2e.test.ts): three clusters are detected; the
 * first handler is approved, canaried and promoted; the second fails in its canary and is rolled back
 * automatically; the third fails validation and never answers.
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
import { FunctionRuntime } from '../runtime/index.js';
import { readGenerationPrompt, writeKeywordHandler } from '../simulator/index.js';

/** The stand-in model: answers the fixtures, and writes one good, one fragile and one greedy handler. */
function modelStandIn() {
  return new FunctionRuntime(
    async (request) => {
      const generation = readGenerationPrompt(request.prompt);
      if (generation) {
        const reply = generation.examples[0]?.reply;
        const good = writeKeywordHandler(generation);
        if (reply === refundReply) {
          // Right on every recorded request, but throws on a kind of request validation never saw.
          return `\`\`\`javascript\nfunction handler(request, context) {\n  if (/urgent/i.test(request.text)) throw new Error('unexpected');\n  return (${good})(request, context);\n}\n\`\`\``;
        }
        if (reply === shippingReply) return `function handler() { return ${JSON.stringify(shippingReply)}; }`;
        return `\`\`\`javascript\n${good}\n\`\`\``;
      }
      if (hoursRequests.includes(request.prompt) || /hour|open/.test(request.prompt)) return hoursReply;
      if (refundRequests.includes(request.prompt) || /refund/.test(request.prompt)) return refundReply;
      if (shippingRequests.includes(request.prompt)) return shippingReply;
      return 'Let me check that for you.';
    },
    { costUsd: 0.04 },
  );
}

const learningConfig = {
  enabled: true,
  patterns: learnPatterns,
  capabilities: { autoGenerate: true, requireApproval: true, testCoverage: 0.8 },
  deployment: { strategy: 'canary' as const, rolloutPercentage: 50, successCriteria: { errorRate: 0.05 } },
};

describe.each(storeEngines)('the learning loop through ClaudeAgent on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('detects, generates, validates, approves, canaries, promotes; rolls a failing canary back; never deploys a failed handler', async () => {
    opened = await engine.open();
    let clock = 1_780_000_000_000;
    const runtime = modelStandIn();
    const agentConfig = {
      tenantId: 'acme',
      agentId: 'desk',
      store: opened.store,
      runtime,
      now: () => clock,
      audit: { level: 'standard' as const },
      optimization: learnOptimization,
      learning: learningConfig,
    };
    const agent = new ClaudeAgent(agentConfig);
    try {
      let conversation = 0;
      const ask = (text: string) => {
        clock += 1000;
        conversation++;
        return agent.handle({ text, channel: 'web', conversationId: `conversation-${conversation}` });
      };
      for (const text of [...hoursRequests, ...refundRequests, ...shippingRequests]) {
        expect((await ask(text)).tier).toBe('intelligent');
      }
      const learning = (await agent.learning())!;
      const cycle = await learning.runCycle();
      expect(cycle.detected).toHaveLength(3);
      const byReply = async (reply: string) =>
        (await learning.list()).find((capability) => capability.cluster.training[0]?.reply === reply)!;
      const hours = await byReply(hoursReply);
      const refund = await byReply(refundReply);
      const shipping = await byReply(shippingReply);
      expect(hours, JSON.stringify([hours.validationReport, refund.validationReport?.reasons])).toMatchObject(
        { state: 'pending-approval', rollout: 50 },
      );
      expect(hours.generationPrompt).toContain('<steward-learn-examples>');
      expect(hours.generationCostUsd).toBeCloseTo(0.04);
      expect(refund.state, JSON.stringify(refund.validationReport)).toBe('pending-approval');
      expect(shipping.state).toBe('failed-validation');
      expect(shipping.validationReport?.reasons.join(' ')).toMatch(/should have returned null/);
      // A failed handler can be neither approved nor served.
      await expect(learning.approve(shipping.id, 'alice')).rejects.toMatchObject({ code: 'conflict' });
      // Nothing serves before approval.
      expect((await ask(hoursRequests[0]!)).tier).toBe('intelligent');

      await learning.approve(hours.id, 'alice');
      await learning.approve(refund.id, 'bob');
      expect((await learning.get(hours.id)).state).toBe('canary');

      // Canary: sticky per conversation, half of the conversations get the handler.
      const tiers = new Map<string, string>();
      for (let round = 0; round < 3; round++) {
        const reply = await agent.handle({ text: 'what are your opening hours', conversationId: 'sticky-1' });
        tiers.set(`${round}`, reply.tier);
      }
      expect(new Set(tiers.values()).size).toBe(1);

      // The fragile handler fails on urgent refund questions and is rolled back at once.
      for (let index = 0; index < 12; index++)
        await ask(`urgent: ${refundRequests[index % refundRequests.length]}`);
      const rolledBack = await learning.get(refund.id);
      expect(rolledBack.state).toBe('rolled-back');
      expect(rolledBack.canary.exceptions).toBeGreaterThan(0);
      expect(rolledBack.decisionReason).toMatch(/lower bound/);

      // Hours questions in many conversations: the canary's replies carry it to promotion.
      let handled = 0;
      for (let index = 0; (await learning.get(hours.id)).state === 'canary' && index < 400; index++) {
        const reply = await ask(hoursRequests[index % hoursRequests.length]!);
        if (reply.tier === 'pattern') {
          expect(reply.text).toBe(hoursReply);
          expect(reply.costUsd).toBe(0.001);
          handled++;
        }
      }
      const promoted = await learning.get(hours.id);
      expect(promoted).toMatchObject({ state: 'promoted', rollout: 100 });
      // Promotion waits for the canary's minimum trials and an error-rate upper bound below 5% (checked below).
      expect(handled).toBeGreaterThanOrEqual(30);
      // Promoted: every conversation, and the rolled-back handler no longer answers.
      for (let index = 0; index < 6; index++) {
        expect((await ask(hoursRequests[index]!)).tier).toBe('pattern');
      }
      expect((await ask('urgent: where is my refund')).tier).toBe('intelligent');
      // An unrelated request falls through to the model.
      expect((await ask('can I bring my dog inside?')).tier).toBe('intelligent');

      const analytics = await learning.analytics();
      expect(analytics.byState).toMatchObject({ promoted: 1, 'rolled-back': 1, 'failed-validation': 1 });
      const hoursNumbers = analytics.capabilities.find((entry) => entry.id === hours.id)!;
      expect(hoursNumbers.traffic).toBeGreaterThanOrEqual(handled + 6);
      expect(hoursNumbers.errorRateInterval!.upper).toBeLessThan(0.05);
      expect(hoursNumbers.costSavedUsd).toBeGreaterThan(0);

      // Every step is an audit record; decisions carry their actor.
      const audit = (await agent.audit())!;
      const records = (
        await audit.search({
          tenantId: 'acme',
          agentId: 'desk',
          eventTypes: [
            'capability-decided',
            'capability-promoted',
            'capability-rolled-back',
            'capability-validated',
          ],
          limit: 100,
        })
      ).records;
      expect(
        records
          .filter((record) => record.eventType === 'capability-decided')
          .map((record) => record.actor)
          .sort(),
      ).toEqual(['alice', 'bob']);
      expect(records.filter((record) => record.eventType === 'capability-promoted')).toHaveLength(1);
      expect(records.filter((record) => record.eventType === 'capability-rolled-back')).toHaveLength(1);
      expect(records.filter((record) => record.eventType === 'capability-validated')).toHaveLength(3);
    } finally {
      await agent.close();
    }

    // Another policy scope (a different system prompt) never gets the handler.
    const other = new ClaudeAgent({ ...agentConfig, runtime: modelStandIn(), systemPrompt: 'Be brief.' });
    try {
      expect((await other.handle({ text: hoursRequests[0]!, conversationId: 'scope-1' })).tier).toBe(
        'intelligent',
      );
    } finally {
      await other.close();
    }
  });
});
