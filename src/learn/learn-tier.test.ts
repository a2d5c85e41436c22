/**
 * The learn tier asks every serving handler: one reply (or replies that agree) answers, two different
 * replies refuse so the model answers, and nothing answering falls through.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { EventBus } from '../events/index.js';
import { createRedactor } from '../privacy/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { LearnTier } from './learn-tier.js';
import { LearningService, type LearningSettings } from './learning-service.js';

const selector = { tenantId: 'acme', agentId: 'desk' };
const settings: LearningSettings = {
  minOccurrences: 10,
  confidenceThreshold: 0.95,
  timeWindowMs: 86_400_000,
  autoGenerate: false,
  requireApproval: false,
  testCoverage: 0.9,
  maxGenerations: 3,
  strategy: 'immediate',
  rolloutPercentage: 100,
  errorRate: 0.01,
  costPerAnswer: 0.001,
};

/** A handler replying `reply` when the request contains `word`, null otherwise. */
const replyingOn = (word: string, reply: string) =>
  `function handler(request) { return request.text.indexOf(${JSON.stringify(word)}) >= 0 ? ${JSON.stringify(reply)} : null; }`;

const sqlite = storeEngines.find((engine) => engine.name === 'sqlite')!;

describe('LearnTier', () => {
  let opened: TestStore | undefined;
  let tier: LearnTier | undefined;
  afterEach(async () => {
    tier?.close();
    await opened?.cleanup();
    opened = undefined;
  });

  async function servingTier(handlers: string[]) {
    opened = await sqlite.open();
    let sequence = 0;
    const learning = new LearningService(settings, {
      ...selector,
      store: opened.store,
      runtime: new FunctionRuntime(async () => 'model'),
      events: new EventBus(),
      redactor: createRedactor({ enabled: true }),
      now: () => 1_780_000_000_000 + sequence,
      createId: () => `id-${++sequence}`,
    });
    for (const [index, code] of handlers.entries()) {
      const id = `capability-${index}`;
      const cluster = {
        size: 10,
        confidence: 1,
        cohesion: 1,
        consistency: 1,
        separation: 1,
        training: [],
        heldOut: [],
        nearMisses: [],
      };
      await learning.capabilities.insertDetected(selector, {
        id,
        scopeKey: 'scope',
        clusterSignature: id,
        cluster,
      });
      await learning.capabilities.recordGeneration(selector, id, { code, prompt: 'p', costUsd: 0 });
      await learning.capabilities.transition(selector, id, {
        from: ['generated'],
        to: 'promoted',
        rollout: 100,
      });
    }
    tier = new LearnTier(learning, () => 'scope', { simulatedModel: true, now: () => 1_780_000_000_000 });
    let interaction = 0;
    const ask = (text: string) =>
      tier!.answer({
        ...selector,
        interactionId: `i${++interaction}`,
        conversationId: 'c1',
        channel: 'web',
        text,
      });
    return { learning, ask };
  }

  it('refuses when two handlers reply differently, answers when one replies or all agree', async () => {
    const { learning, ask } = await servingTier([
      replyingOn('card', 'Your card arrives in 3 days.'),
      replyingOn('pin', 'Reset your PIN in the app.'),
      replyingOn('arrive', 'your card arrives in 3 days'),
    ]);
    expect((await ask('where is my card'))?.text).toBe('Your card arrives in 3 days.');
    expect((await ask('my pin is blocked'))?.text).toBe('Reset your PIN in the app.');
    // Two handlers agree (the same answer, normalised): it answers.
    expect((await ask('when will my card arrive'))?.text).toMatch(/arrives in 3 days/i);
    // Two handlers claim the request for different answers: the model decides.
    expect(await ask('I forgot the pin of my card')).toBeUndefined();
    expect(await ask('what is the weather')).toBeUndefined();
    const served = (await learning.capabilities.list(selector)).reduce(
      (total, entry) => total + entry.served,
      0,
    );
    expect(served).toBe(3);
  });

  it('stops asking a handler the moment it is rolled back, and asks it never again', async () => {
    const { learning, ask } = await servingTier([
      replyingOn('card', 'Your card arrives in 3 days.'),
      replyingOn('pin', 'Reset your PIN in the app.'),
    ]);
    expect((await ask('my pin is blocked'))?.text).toBe('Reset your PIN in the app.');
    await learning.capabilities.transition(selector, 'capability-1', {
      from: ['promoted'],
      to: 'rolled-back',
      rollout: 0,
    });
    expect(await ask('my pin is blocked')).toBeUndefined();
    expect((await ask('where is my card'))?.text).toBe('Your card arrives in 3 days.');
    const pin = await learning.capabilities.get(selector, 'capability-1');
    expect(pin?.served).toBe(1);
  });
});
