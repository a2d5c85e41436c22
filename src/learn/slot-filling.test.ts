/**
 * A kind of request whose recorded replies repeat a slot of the request (an order number): through
 * ClaudeAgent on both engines, its replies are detected as one kind of answer (their template), the
 * offline writer's handler fills the template from the request, validation compares each held-out reply
 * with its own recorded one, and the promoted handler answers a new order number with that number.
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
import { fillTemplate, slotTokens, templateOf } from '../classify/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { readGenerationPrompt, writeHandler } from '../simulator/index.js';

const orderPhrasings = [
  'where is my order {id}',
  'what is the status of order {id}',
  'has order {id} shipped yet',
  'track order {id} please',
  'when will order {id} arrive',
  'order {id} status?',
  'can you check on order {id}',
  'I am waiting for order {id}, where is it',
  'any news about my order {id}',
  'is order {id} on its way',
  'status update for order {id}',
  'where is order {id} now',
  'did you send order {id} yet',
  'order {id}: when does it arrive',
  'tracking for my order {id}',
];
const orderRequests = orderPhrasings.map((phrasing, index) =>
  phrasing.replace('{id}', `A-${10_400 + index * 7}`),
);
const orderReply = (id: string) => `Order ${id} is on its way and arrives within 2 working days.`;

describe('slot templates', () => {
  it('reads the slots of a request and fills a template from them', () => {
    expect(slotTokens('order A-10442, booked 2026-12-05 at 5pm (ref 12)')).toEqual([
      'A-10442',
      '2026-12-05',
      '5pm',
    ]);
    expect(templateOf('where is order A-10442?', 'Order A-10442 ships; A-10442 is paid.')).toBe(
      'Order {{1}} ships; {{1}} is paid.',
    );
    // A slot inside a longer word is not the slot.
    expect(templateOf('order 123', 'Call 01234 about it.')).toBeUndefined();
    expect(fillTemplate('Order {{1}} ships.', 'where is order B-77?')).toBe('Order B-77 ships.');
    expect(fillTemplate('Order {{2}} ships.', 'where is order B-77?')).toBeNull();
  });
});

describe.each(storeEngines)('a slot-filling capability on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('is detected by its template, written to fill it, validated reply by reply, and answers a new order number', async () => {
    opened = await engine.open();
    let clock = 1_780_000_000_000;
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'desk',
      store: opened.store,
      now: () => clock,
      runtime: new FunctionRuntime(
        async (request) => {
          const generation = readGenerationPrompt(request.prompt);
          if (generation) return `\`\`\`javascript\n${writeHandler(generation)}\n\`\`\``;
          const order = /order ([A-Z]-\d+)/.exec(request.prompt);
          if (order) return orderReply(order[1]!);
          if (hoursRequests.includes(request.prompt)) return hoursReply;
          if (refundRequests.includes(request.prompt)) return refundReply;
          return 'Let me check that for you.';
        },
        { costUsd: 0.04 },
      ),
      optimization: learnOptimization,
      learning: {
        enabled: true,
        patterns: learnPatterns,
        capabilities: { autoGenerate: true, requireApproval: false, testCoverage: 0.8 },
        deployment: { strategy: 'immediate' as const, rolloutPercentage: 100 },
      },
    });
    try {
      let conversation = 0;
      const ask = (text: string) => {
        clock += 1000;
        conversation++;
        return agent.handle({ text, conversationId: `c${conversation}` });
      };
      for (const text of [...orderRequests, ...hoursRequests, ...refundRequests]) {
        expect((await ask(text)).tier).toBe('intelligent');
      }
      const learning = (await agent.learning())!;
      await learning.runCycle();
      const order = (await learning.list()).find((capability) =>
        capability.cluster.training[0]?.reply.startsWith('Order '),
      );
      expect(order, 'the order replies, all different, are one cluster').toBeDefined();
      expect(order!.cluster.size).toBe(orderRequests.length);
      expect(order!.code).toContain('fillTemplate');
      expect(order!.state, JSON.stringify(order!.validationReport)).toBe('promoted');
      // Each held-out member was compared with its own recorded reply, its own order number in it.
      for (const example of order!.validationReport!.examples) {
        expect(example.handler).toBe(example.recorded);
        expect(example.recorded).toContain(slotTokens(example.request)[0]);
      }
      const all = await learning.list();
      console.log(all.map((c) => [c.state, c.cluster.training[0]?.reply.slice(0, 20)]));
      const fn = new Function(`${order!.code}; return handler;`)();
      console.log('direct', fn({ text: 'where is my order Z-99172' }));
      const answered = await ask('where is my order Z-99172');
      expect(answered.tier).toBe('pattern');
      expect(answered.text).toBe(orderReply('Z-99172'));
      // Of its kind but without an order number: nothing to fill, so the model answers.
      expect((await ask('where is my order')).tier).toBe('intelligent');
    } finally {
      await agent.close();
    }
  });
});
