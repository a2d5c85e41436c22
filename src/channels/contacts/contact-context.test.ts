import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { ClaudeAgent } from '../../agent/index.js';
import { FunctionRuntime } from '../../runtime/index.js';
import type { ChannelAdapter, ChannelRequest } from '../adapter.js';
import { ChannelCore, type UseAgent } from '../core.js';
import { resolveChannelHandling } from '../urgency-inbound.js';

const hour = 3_600_000;

/** A channel named like a real one (so its senders are identities), answered into memory. */
function memoryChannel(channel: 'email' | 'sms'): ChannelAdapter {
  return {
    channel,
    receive: async (request: ChannelRequest) => {
      const { text, id, from, to } = JSON.parse(Buffer.from(request.rawBody).toString('utf8')) as Record<
        string,
        string
      >;
      return {
        messages: [
          {
            channel,
            sender: { id: from!, provider: channel },
            conversationKey: `${channel}:${to}:${from}:${id}`,
            text: text!,
            attachments: [],
            urgency: 'normal',
            receivedAt: 0,
            providerId: id!,
            routeKey: to!,
            reply: {},
          },
        ],
      };
    },
    openDelivery: async (_message, context) => ({
      finish: async (text) => {
        await context.outbox.once(`${context.deliveryId}:0`, {
          send: async () => text,
          findSent: async () => undefined,
        });
      },
    }),
  };
}

describe.each(storeEngines)('a linked contact keeps one conversation across channels on $name', (engine) => {
  let opened: TestStore;
  let clock: number;
  let turns: Array<{ tenantId: string; agentId: string; resumed: string | undefined; session: string }>;
  let core: ChannelCore;
  const agents: ClaudeAgent[] = [];

  const useAgent: UseAgent = async (tenantId, agentId, work) => {
    const agent = new ClaudeAgent({
      tenantId,
      agentId,
      store: opened.store,
      now: () => clock,
      messageHandling: { normalizeInput: true, detectUrgency: false, maintainContext: true },
      runtime: new FunctionRuntime(async (request) => {
        const session = `session-${turns.length + 1}`;
        turns.push({ tenantId, agentId, resumed: request.resumeSessionId, session });
        return { text: 'noted', sessionId: session };
      }),
    });
    agents.push(agent);
    return work(agent);
  };

  beforeEach(async () => {
    opened = await engine.open();
    clock = 1_780_000_000_000;
    turns = [];
    const handling = resolveChannelHandling({ maintainContext: true, contextTtl: '12h' }, {});
    core = new ChannelCore({
      store: opened.store,
      adapters: [memoryChannel('email'), memoryChannel('sms')],
      useAgent,
      now: () => clock,
      handlingOf: () => handling,
    });
    const bind = (channel: string, routeKey: string, tenantId: string, agentId: string) =>
      core.bindings.bind({ channel, routeKey, tenantId, agentId });
    await bind('email', 'desk@acme.example', 'acme', 'desk');
    await bind('sms', '+14155550100', 'acme', 'desk');
    await bind('email', 'sales@acme.example', 'acme', 'sales');
    await bind('sms', '+14155550200', 'globex', 'desk');
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.close();
    await opened.cleanup();
  });

  let sequence = 0;
  async function write(channel: 'email' | 'sms', from: string, to: string, text = 'hello'): Promise<void> {
    sequence += 1;
    await core.receive(channel, {
      headers: {},
      rawBody: new TextEncoder().encode(JSON.stringify({ text, id: `m${sequence}`, from, to })),
      url: `http://localhost/${channel}`,
    });
    expect(await core.processDue()).toBe(1);
    clock += 60_000;
  }

  it('an unlinked customer has one conversation per thread, as before', async () => {
    await write('email', 'Ada@Example.com', 'desk@acme.example');
    await write('sms', '+14155550123', '+14155550100');
    expect(turns.map((turn) => turn.resumed)).toEqual([undefined, undefined]);
  });

  it('a linked contact who wrote by email continues by text (and back), within contextTtl only', async () => {
    await core.contacts.create(
      'acme',
      {
        displayName: 'Ada',
        identities: [
          { kind: 'email', value: 'ada@example.com' },
          { kind: 'phone', value: '+14155550123' },
        ],
      },
      'test',
    );
    await write('email', 'Ada@Example.com', 'desk@acme.example', 'my order is 1234');
    await write('sms', '+14155550123', '+14155550100', 'any news on my order?');
    await write('email', 'ada@example.com', 'desk@acme.example', 'thanks');
    expect(turns.map((turn) => turn.resumed)).toEqual([undefined, 'session-1', 'session-2']);
    clock += 12 * hour + 1;
    await write('sms', '+14155550123', '+14155550100', 'hello again');
    expect(turns.at(-1)?.resumed).toBeUndefined();
  });

  it('never crosses agents or tenants: the same person elsewhere starts afresh', async () => {
    await core.contacts.create('acme', { identities: [{ kind: 'email', value: 'ada@example.com' }] }, 'test');
    await core.contacts.create('globex', { identities: [{ kind: 'phone', value: '+14155550123' }] }, 'test');
    await write('email', 'ada@example.com', 'desk@acme.example');
    // Another agent of the same tenant: its own conversation with the contact.
    await write('email', 'ada@example.com', 'sales@acme.example');
    // Another tenant's contact with the same number: never acme's conversation.
    await write('sms', '+14155550123', '+14155550200');
    await write('sms', '+14155550123', '+14155550200');
    expect(turns.map((turn) => [turn.tenantId, turn.agentId, turn.resumed])).toEqual([
      ['acme', 'desk', undefined],
      ['acme', 'sales', undefined],
      ['globex', 'desk', undefined],
      ['globex', 'desk', 'session-3'],
    ]);
  });
});
