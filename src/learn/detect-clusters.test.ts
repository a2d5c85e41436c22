/**
 * Detection on recorded history, through ClaudeAgent on both engines: which members are held out, what
 * the generation prompt may show (never a held-out member, never a request validation counts as an
 * "other"), the neighbours it labels, and that another tenant's history never reaches the prompt.
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
import { createRedactor } from '../privacy/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { detectClusters } from './detect.js';

const otherTenantRequests = Array.from(
  { length: 14 },
  (_, index) => `globex launch codename question ${index}`,
);

function agentOf(store: TestStore['store'], tenantId: string, clock: () => number) {
  return new ClaudeAgent({
    tenantId,
    agentId: 'desk',
    store,
    now: clock,
    runtime: new FunctionRuntime(
      async (request) => {
        if (hoursRequests.includes(request.prompt)) return hoursReply;
        if (refundRequests.includes(request.prompt)) return refundReply;
        if (shippingRequests.includes(request.prompt)) return shippingReply;
        return 'The launch codename is secret.';
      },
      { costUsd: 0.04 },
    ),
    optimization: learnOptimization,
    learning: {
      enabled: true,
      patterns: learnPatterns,
      capabilities: { autoGenerate: false, requireApproval: true, testCoverage: 0.8 },
    },
  });
}

describe.each(storeEngines)('detecting clusters on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('holds out core members, shows the prompt labelled neighbours only from outside validation, and stays in its tenant', async () => {
    opened = await engine.open();
    let now = 1_780_000_000_000;
    const clock = () => now;
    const acme = agentOf(opened.store, 'acme', clock);
    const globex = agentOf(opened.store, 'globex', clock);
    try {
      for (const text of [...hoursRequests, ...refundRequests, ...shippingRequests]) {
        now += 1000;
        await acme.handle({ text });
      }
      // The same agent id under another tenant, with requests of its own and the same hours answer.
      for (const text of [...otherTenantRequests, ...hoursRequests.slice(0, 5)]) {
        now += 1000;
        await globex.handle({ text });
      }
      const found = await detectClusters(
        opened.store,
        { tenantId: 'acme', agentId: 'desk' },
        createRedactor(),
        {
          minOccurrences: 10,
          confidenceThreshold: 0.85,
          timeWindowMs: 7 * 86_400_000,
          now,
        },
      );
      expect(found.observations).toBe(hoursRequests.length + refundRequests.length + shippingRequests.length);
      expect(found.candidates.map((candidate) => candidate.summary.training[0]!.reply).sort()).toEqual(
        [hoursReply, refundReply, shippingReply].sort(),
      );
      for (const candidate of found.candidates) {
        const { summary } = candidate;
        const ownRequests = [hoursRequests, refundRequests, shippingRequests].find((list) =>
          list.includes(summary.training[0]!.request),
        )!;
        expect(summary.core).toBeGreaterThanOrEqual(4);
        expect(summary.core).toBeLessThanOrEqual(summary.size);
        expect(summary.heldOut).toHaveLength(Math.floor(summary.core! / 3));
        // The prompt shows every member but the held-out ones.
        expect(summary.training.length + summary.heldOut.length).toBe(ownRequests.length);
        const shown = new Set([
          ...summary.training.map((example) => example.request),
          ...summary.nearMisses,
          ...summary.nearMissGroups!.flat(),
          ...summary.background!,
        ]);
        for (const member of summary.heldOut) expect(shown.has(member.request)).toBe(false);
        // Both neighbours are labelled, each from its own requests only; a third of each is kept back.
        expect(summary.nearMissGroups).toHaveLength(2);
        for (const group of summary.nearMissGroups!) {
          const neighbour = [hoursRequests, refundRequests, shippingRequests].find((list) =>
            list.includes(group[0]!),
          )!;
          expect(neighbour).not.toBe(ownRequests);
          for (const request of group) expect(neighbour).toContain(request);
          expect(group.length).toBe(neighbour.length - Math.floor(neighbour.length / 3));
        }
        // Validation's others are exactly the neighbours' requests the prompt did not show.
        for (const other of candidate.others) {
          expect(shown.has(other)).toBe(false);
          expect(ownRequests).not.toContain(other);
        }
        expect(candidate.others.length).toBeGreaterThan(0);
        // Nothing of the other tenant's history, though it shares the agent id and an answer.
        const everything = JSON.stringify({ summary, others: candidate.others });
        expect(everything).not.toContain('globex');
        expect(summary.size).toBe(ownRequests.length);
      }
    } finally {
      await acme.close();
      await globex.close();
    }
  });
  it('finds the same cores and held-out members whatever order the same requests arrived in', async () => {
    opened = await engine.open();
    let now = 1_780_000_000_000;
    const clock = () => now;
    const history = [...hoursRequests, ...refundRequests, ...shippingRequests];
    // Arrival orders: as listed, reversed, and pairs swapped (two requests in flight finishing either way).
    const orders = [
      history,
      [...history].reverse(),
      history.map(
        (_, index) => history[index % 2 === 0 ? Math.min(index + 1, history.length - 1) : index - 1]!,
      ),
    ];
    expect(new Set(orders[2]).size).toBe(history.length);
    const found = [];
    for (const [index, order] of orders.entries()) {
      const agent = agentOf(opened.store, `tenant-${index}`, clock);
      try {
        for (const text of order) {
          now += 1000;
          await agent.handle({ text });
        }
      } finally {
        await agent.close();
      }
      const detected = await detectClusters(
        opened.store,
        { tenantId: `tenant-${index}`, agentId: 'desk' },
        createRedactor(),
        {
          minOccurrences: 10,
          confidenceThreshold: 0.85,
          timeWindowMs: 7 * 86_400_000,
          now,
        },
      );
      found.push(
        detected.candidates
          .map(({ summary }) => ({
            reply: summary.training[0]!.reply,
            core: summary.core,
            heldOut: summary.heldOut.map((example) => example.request).sort(),
            training: summary.training.map((example) => example.request).sort(),
          }))
          .sort((left, right) => (left.reply < right.reply ? -1 : 1)),
      );
    }
    expect(found[0]).toHaveLength(3);
    expect(found[1]).toEqual(found[0]);
    expect(found[2]).toEqual(found[0]);
  });
});
