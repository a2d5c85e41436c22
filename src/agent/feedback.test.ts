import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { StewardError } from '../errors/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { ClaudeAgent } from './claude-agent.js';
import { FeedbackLimiter } from './feedback.js';

const alice = 'sender:alice';
const bob = 'sender:bob';

async function failureOf(promise: Promise<unknown>): Promise<StewardError> {
  try {
    await promise;
  } catch (error) {
    if (StewardError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a StewardError');
}

describe.each(storeEngines)('feedback comes from the customer or an operator, store on $name', (engine) => {
  let opened: TestStore;
  let clock = 1_000_000;
  let tenantCounter = 0;
  beforeAll(async () => {
    opened = await engine.open();
  });
  afterAll(async () => {
    await opened.cleanup();
  });

  function agentFor(tenantId = `tenant-${++tenantCounter}`) {
    return new ClaudeAgent({
      tenantId,
      agentId: 'front-desk',
      store: opened.store,
      runtime: new FunctionRuntime(async () => 'We open at nine.'),
      now: () => clock,
      trust: { initial: 0.5, permissions: { 0.3: ['Read'] } },
      audit: { level: 'standard' },
      limits: { feedbackPerCustomerPerMinute: 3 },
    });
  }

  it("takes a customer's feedback on their own interaction; another customer's is refused like a missing one", async () => {
    const agent = agentFor();
    const mine = await agent.handle({ text: 'When do you open?', customerKey: alice });
    const stolen = await failureOf(
      agent.feedback(mine.interactionId, 'negative', undefined, { customerKey: bob }),
    );
    const missing = await failureOf(
      agent.feedback('no-such-interaction', 'negative', undefined, { customerKey: bob }),
    );
    expect(stolen.code).toBe('not-found');
    expect(stolen.message.replace(mine.interactionId, 'X')).toBe(
      missing.message.replace('no-such-interaction', 'X'),
    );
    expect(
      (await opened.store.interactions.get(agent.tenantId, mine.interactionId))?.feedback,
    ).toBeUndefined();
    // An interaction that answered no customer is no customer's to rate.
    const anonymous = await agent.handle({ text: 'hi' });
    expect(
      (
        await failureOf(
          agent.feedback(anonymous.interactionId, 'negative', undefined, { customerKey: alice }),
        )
      ).code,
    ).toBe('not-found');

    await agent.feedback(mine.interactionId, 'negative', 'wrong hours', { customerKey: alice });
    expect((await opened.store.interactions.get(agent.tenantId, mine.interactionId))?.feedback).toMatchObject(
      {
        rating: 'negative',
      },
    );
    await agent.close();
  });

  it("refuses a customer's rating of another tenant's interaction with the same 404", async () => {
    const acme = agentFor();
    const globex = agentFor();
    const theirs = await globex.handle({ text: 'hello', customerKey: alice });
    expect(
      (await failureOf(acme.feedback(theirs.interactionId, 'negative', undefined, { customerKey: alice })))
        .code,
    ).toBe('not-found');
    await acme.close();
    await globex.close();
  });

  it('limits each customer to feedbackPerCustomerPerMinute, counting refused attempts, with retryAfterSeconds; operators are not limited and are the audit actor', async () => {
    const agent = agentFor();
    const replies = [];
    for (let index = 0; index < 5; index++)
      replies.push(await agent.handle({ text: `q${index}`, customerKey: alice }));
    await agent.feedback(replies[0]!.interactionId, 'negative', undefined, { customerKey: alice });
    await agent.feedback('probe-1', 'negative', undefined, { customerKey: alice }).catch(() => {});
    await agent.feedback(replies[1]!.interactionId, 'negative', undefined, { customerKey: alice });
    const limited = await failureOf(
      agent.feedback(replies[2]!.interactionId, 'negative', undefined, { customerKey: alice }),
    );
    expect(limited).toMatchObject({ code: 'rate-limited', status: 429, details: { retryAfterSeconds: 20 } });
    // Another customer has their own allowance.
    const bobs = await agent.handle({ text: 'q', customerKey: bob });
    await agent.feedback(bobs.interactionId, 'positive', undefined, { customerKey: bob });
    // An operator is not limited, and is recorded as the actor.
    for (const reply of replies) {
      await agent.feedback(reply.interactionId, 'negative', 'checked', { operator: 'key:k1 (ops console)' });
    }
    clock += 20_000;
    await agent.feedback(replies[3]!.interactionId, 'positive', undefined, { customerKey: alice });

    const audit = (await agent.audit())!;
    const records = (
      await audit.search({ tenantId: agent.tenantId, eventTypes: ['interaction-feedback-given'] })
    ).records;
    const actors = records.map((record) => record.actor);
    expect(actors.filter((actor) => actor === 'key:k1 (ops console)')).toHaveLength(5);
    expect(actors.filter((actor) => actor?.startsWith('customer:'))).toHaveLength(4);
    expect(JSON.stringify(records)).not.toContain('alice');
    await agent.close();
  });

  it('refuses an author that is neither a customer nor an operator', async () => {
    const agent = agentFor();
    const reply = await agent.handle({ text: 'hi', customerKey: alice });
    const bad = { customerKey: alice, operator: 'ops' } as unknown as { operator: string };
    expect((await failureOf(agent.feedback(reply.interactionId, 'negative', undefined, bad))).code).toBe(
      'invalid-request',
    );
    await agent.close();
  });
});

describe('FeedbackLimiter', () => {
  it('allows a burst of perMinute, refills continuously and bounds the customers it keeps', () => {
    let clock = 0;
    const limiter = new FeedbackLimiter({ perMinute: 2, maxCustomers: 10, now: () => clock });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 30 });
    clock += 30_000;
    expect(limiter.take('a')).toEqual({ allowed: true });
    for (let index = 0; index < 100; index++) limiter.take(`customer-${index}`);
    // 'a' was dropped as the customer idle longest: a fresh allowance.
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
  });
});
