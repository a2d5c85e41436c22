import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { StewardError } from '../errors/index.js';
import { FunctionRuntime, type RuntimeRequest } from '../runtime/index.js';
import { ClaudeAgent } from './claude-agent.js';
import type { AgentConfig } from './config-schema.js';

const alice = 'sender:+44 20 7946 0958';
const bob = 'sender:+44 20 7946 0000';

/** The error `promise` rejects with. */
async function failureOf(promise: Promise<unknown>): Promise<StewardError> {
  try {
    await promise;
  } catch (error) {
    if (StewardError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a StewardError');
}

describe.each(storeEngines)('conversations belong to their customer, store on $name', (engine) => {
  let opened: TestStore;
  let tenantCounter = 0;
  beforeAll(async () => {
    opened = await engine.open();
  });
  afterAll(async () => {
    await opened.cleanup();
  });

  /** A fresh tenant each time, an agent whose runtime records what it was asked. */
  function agentFor(config: Partial<AgentConfig> = {}) {
    const requests: RuntimeRequest[] = [];
    let clock = 1_000_000;
    const agent = new ClaudeAgent({
      tenantId: `tenant-${++tenantCounter}`,
      agentId: 'front-desk',
      store: opened.store,
      runtime: new FunctionRuntime(
        async (request) => {
          requests.push(request);
          return { text: `echo: ${request.prompt}`, sessionId: `session-of-${request.interactionId}` };
        },
        { costUsd: 0.02 },
      ),
      now: () => (clock += 10),
      messageHandling: { maintainContext: true },
      ...config,
    });
    const seen: string[] = [];
    agent.events.on('message-received', () => {
      seen.push('message-received');
    });
    agent.events.on('tier-answered', (event) => {
      seen.push(`tier-answered:${event.tier}`);
    });
    const refusals: Array<Record<string, unknown>> = [];
    agent.events.on('conversation-access-refused', (event) => {
      refusals.push({ ...event });
    });
    return { agent, requests, seen, refusals };
  }

  it('binds a new conversation to its customer; another customer continuing it gets the 404 of a missing one, before any tier, no session resumed', async () => {
    const { agent, requests, seen, refusals } = agentFor();
    const first = await agent.handle({ text: 'my order is 1234', customerKey: alice });
    const again = await agent.handle({
      text: 'and when does it arrive?',
      conversationId: first.conversationId,
      customerKey: alice,
    });
    expect(again.conversationId).toBe(first.conversationId);
    expect(requests[1]?.resumeSessionId).toBe(`session-of-${first.interactionId}`);

    const before = { requests: requests.length, seen: seen.length };
    const stolen = await failureOf(
      agent.handle({ text: 'what did I say?', conversationId: first.conversationId, customerKey: bob }),
    );
    const missing = await failureOf(
      agent.handle({ text: 'what did I say?', conversationId: 'no-such-conversation', customerKey: bob }),
    );
    expect(stolen.code).toBe('not-found');
    expect(stolen.status).toBe(404);
    expect(missing.code).toBe('not-found');
    expect(stolen.message.replace(first.conversationId, 'X')).toBe(
      missing.message.replace('no-such-conversation', 'X'),
    );
    expect(stolen.details).toEqual(missing.details);
    // Without a customer, a conversation that has one is refused the same way.
    expect((await failureOf(agent.handle({ text: 'and?', conversationId: first.conversationId }))).code).toBe(
      'not-found',
    );
    // The attempts are on the bus for the audit log, naming the caller only by a hash prefix.
    expect(refusals).toEqual([
      expect.objectContaining({
        conversationId: first.conversationId,
        reason: 'another-customer',
        actor: expect.stringMatching(/^customer:[0-9a-f]{16}$/),
      }),
      expect.objectContaining({ conversationId: 'no-such-conversation', reason: 'no-such-conversation' }),
      expect.not.objectContaining({ actor: expect.anything() }),
    ]);
    expect(JSON.stringify(refusals)).not.toContain('7946');
    // Nothing ran, nothing else was emitted, nothing was recorded for the refused turns.
    expect(requests).toHaveLength(before.requests);
    expect(seen).toHaveLength(before.seen);
    const page = await opened.store.interactions.list({ tenantId: agent.tenantId });
    expect(page.items).toHaveLength(2);
    expect(new Set(page.items.map((item) => item.customerHash))).toEqual(
      new Set([expect.stringMatching(/^[0-9a-f]{64}$/)]),
    );
    const stored = await opened.store.conversations.get(agent.tenantId, agent.agentId, first.conversationId);
    expect(stored).toMatchObject({ turns: 2, customerHash: page.items[0]!.customerHash });
    // The customer's id is not stored, only its keyed hash.
    expect(JSON.stringify(page.items)).not.toContain('7946');
    await agent.close();
  });

  const tierCases: Array<{ tier: string; optimization: AgentConfig['optimization'] }> = [
    {
      tier: 'cache',
      optimization: { cacheRules: [{ similarity: 0.9, ttl: 3600 }], fallback: ['cache', 'intelligent'] },
    },
    {
      tier: 'pattern',
      optimization: {
        patterns: { autoDetect: true, minFrequency: 2, confidence: 0.5 },
        fallback: ['pattern', 'intelligent'],
      },
    },
  ];
  it.each(tierCases)(
    'keeps the $tier tier behind the check: it answers the owner, never the other customer',
    async ({ tier, optimization }) => {
      const { agent, requests, seen } = agentFor({ optimization });
      // Each a new conversation: first turns are the ones whose answers the tiers may reuse.
      const replies = [];
      for (let turn = 0; turn < 4; turn++) {
        replies.push(await agent.handle({ text: 'When do you open?', customerKey: alice }));
      }
      const tiers = replies.map((reply) => reply.tier);
      const first = replies.at(-1)!;
      // The owner's repeated question is answered by the tier without the model.
      expect(tiers).toContain(tier);
      const before = { requests: requests.length, seen: seen.length };
      const refused = await failureOf(
        agent.handle({ text: 'When do you open?', conversationId: first.conversationId, customerKey: bob }),
      );
      expect(refused.code).toBe('not-found');
      expect({ requests: requests.length, seen: seen.length }).toEqual(before);
      await agent.close();
    },
  );

  it('lets callers without a customer work as before on conversations that belong to no one', async () => {
    const { agent, requests } = agentFor();
    const first = await agent.handle({ text: 'hi', conversationId: 'crm-ticket-77' });
    expect(first.conversationId).toBe('crm-ticket-77');
    await agent.handle({ text: 'again', conversationId: 'crm-ticket-77' });
    expect(requests[1]?.resumeSessionId).toBe(`session-of-${first.interactionId}`);
    // A customer cannot take over a conversation that belongs to no one, nor name a new id.
    expect(
      (
        await failureOf(
          agent.handle({ text: 'mine now', conversationId: 'crm-ticket-77', customerKey: alice }),
        )
      ).code,
    ).toBe('not-found');
    expect(
      (await failureOf(agent.handle({ text: 'new', conversationId: 'chosen-by-me', customerKey: alice })))
        .code,
    ).toBe('not-found');
    expect(requests).toHaveLength(2);
    await agent.close();
  });

  it('keeps customers of one key apart across tenants: the same customer key in another tenant is another customer', async () => {
    const first = agentFor();
    const second = agentFor();
    const reply = await first.agent.handle({ text: 'hello', customerKey: alice });
    const [mine] = (await opened.store.interactions.list({ tenantId: first.agent.tenantId })).items;
    const theirs = await second.agent.handle({ text: 'hello', customerKey: alice });
    const [other] = (await opened.store.interactions.list({ tenantId: second.agent.tenantId })).items;
    expect(mine!.customerHash).not.toBe(other!.customerHash);
    expect(reply.conversationId).not.toBe(theirs.conversationId);
    await first.agent.close();
    await second.agent.close();
  });
});
