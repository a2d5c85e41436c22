import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import {
  hoursReply,
  hoursRequests,
  refundReply,
  refundRequests,
  shippingReply,
  shippingRequests,
} from '../../test/support/learn-clusters.js';
import { PatternTier } from '../optimize/index.js';
import { createRedactor } from '../privacy/index.js';
import { emptyUsage } from '../runtime/index.js';
import { readGenerationPrompt, writeKeywordHandler } from '../simulator/index.js';
import { detectClusters } from './detect.js';
import { buildGenerationPrompt } from './generate.js';
import { createHandlerSandbox } from './sandbox/index.js';
import { maxOtherRequests, unrelatedRequests, validateHandler } from './validate.js';

const scope = { tenantId: 'acme', agentId: 'desk' };
const context = { tenantId: 'acme', agentId: 'desk', now: '2026-12-04T10:00:00.000Z' };

async function observeAll(opened: TestStore, start: number) {
  let clock = start;
  const now = () => clock++;
  const patterns = new PatternTier(
    opened.store,
    {
      autoDetect: false,
      minFrequency: 1000,
      confidence: 0.9,
      neighbors: 10,
      minSimilarity: 0.5,
      maxObservations: 10_000,
      mode: 'serve',
      costPerAnswer: 0.001,
    } as never,
    { shape: { tools: [] }, now },
  );
  let sequence = 0;
  const observe = async (text: string, reply: string) => {
    sequence++;
    await patterns.observe(
      { ...scope, interactionId: `i${sequence}`, conversationId: `c${sequence}`, channel: 'web', text },
      {
        text: reply,
        costUsd: 0.05,
        usage: emptyUsage(),
        toolCalls: [],
        outcome: 'success',
        queueWaitMs: 0,
        simulatedModel: true,
      },
      false,
    );
  };
  for (const text of hoursRequests) await observe(text, hoursReply);
  for (const text of refundRequests) await observe(text, refundReply);
  for (const text of shippingRequests) await observe(text, shippingReply);
  await observe('do you have vegan options', 'Yes, three of them.');
}

describe.each(storeEngines)('detect → generate (simulated) → validate on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('finds the repeated clusters, writes a handler from the prompt, validates it, and fails handlers that do not abstain', async () => {
    opened = await engine.open();
    const now = 1_780_000_000_000;
    await observeAll(opened, now);
    const redactor = createRedactor({ enabled: true });
    const { candidates, clusters } = await detectClusters(opened.store, scope, redactor, {
      minOccurrences: 10,
      confidenceThreshold: 0.85,
      timeWindowMs: 7 * 86_400_000,
      now: now + 100_000,
    });
    expect(clusters).toBe(4);
    const hours = candidates.find((candidate) => candidate.summary.training[0]?.reply === hoursReply);
    expect(
      hours,
      JSON.stringify(candidates.map((c) => [c.summary.training[0]?.reply, c.summary.confidence])),
    ).toBeDefined();
    expect(hours!.summary.size).toBe(hoursRequests.length);
    expect(hours!.summary.heldOut.length).toBeGreaterThanOrEqual(4);
    expect(hours!.summary.nearMisses.length).toBeGreaterThan(0);
    // Outside the window nothing is a candidate.
    const later = await detectClusters(opened.store, scope, redactor, {
      minOccurrences: 10,
      confidenceThreshold: 0.85,
      timeWindowMs: 1000,
      now: now + 10_000,
    });
    expect(later.candidates).toEqual([]);

    const prompt = buildGenerationPrompt(hours!.summary);
    const data = readGenerationPrompt(prompt)!;
    expect(data.examples).toEqual(hours!.summary.training);
    const code = writeKeywordHandler(data);
    const sandbox = await createHandlerSandbox();
    const report = await validateHandler(sandbox, code, hours!.summary, hours!.others, {
      testCoverage: 0.9,
      context,
    });
    expect(report, JSON.stringify(report, null, 1)).toMatchObject({ passed: true });
    expect(report.coverage).toBeGreaterThanOrEqual(0.9);
    expect(report.abstention).toBeGreaterThanOrEqual(0.995);

    const greedy = `function handler(request) { return ${JSON.stringify(hoursReply)}; }`;
    const failed = await validateHandler(sandbox, greedy, hours!.summary, hours!.others, {
      testCoverage: 0.9,
      context,
    });
    expect(failed.passed).toBe(false);
    expect(failed.reasons.join(' ')).toMatch(/should have returned null/);
    expect(failed.falseAnswers.length).toBeGreaterThan(0);

    // Thousands of other requests are sampled evenly down to maxOtherRequests.
    const many = Array.from({ length: 5000 }, (_, index) => hours!.others[index % hours!.others.length]!);
    const sampled = await validateHandler(sandbox, code, hours!.summary, many, {
      testCoverage: 0.9,
      context,
    });
    expect(sampled.others).toBe(maxOtherRequests + unrelatedRequests.length);

    const looping = 'function handler() { while (true) {} }';
    const quick = await createHandlerSandbox({ timeoutMs: 20 });
    const timedOut = await validateHandler(quick, looping, hours!.summary, [], {
      testCoverage: 0.9,
      context,
    });
    expect(timedOut.passed).toBe(false);
    expect(timedOut.errors.timeout).toBeGreaterThan(0);
    const broken = await validateHandler(sandbox, 'this is not code', hours!.summary, [], {
      testCoverage: 0.9,
      context,
    });
    expect(broken.passed).toBe(false);
    sandbox.close();
  });
});
