import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { channelAgents } from '../../test/support/recording-agents.js';
import type { ChannelAdapter, ChannelRequest } from './adapter.js';
import { ChannelCore } from './core.js';
import { resolveChannelHandling } from './urgency-inbound.js';

const hour = 3_600_000;

/** One thread's messages, answered into memory. */
function threadAdapter(): ChannelAdapter {
  return {
    channel: 'memory',
    receive: async (request: ChannelRequest) => {
      const { text, id } = JSON.parse(Buffer.from(request.rawBody).toString('utf8')) as {
        text: string;
        id: string;
      };
      return {
        messages: [
          {
            channel: 'memory',
            sender: { id: 'customer-1', provider: 'memory' },
            conversationKey: 'thread-1',
            text,
            attachments: [],
            urgency: 'normal',
            receivedAt: 0,
            providerId: id,
            routeKey: 'box-1',
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

describe.each(storeEngines)('maintainContext expiry on $name', (engine) => {
  let opened: TestStore;
  let clock: number;
  let resumed: Array<string | undefined>;

  beforeEach(async () => {
    opened = await engine.open();
    clock = 1_780_000_000_000;
    resumed = [];
  });
  afterEach(async () => {
    await agents.reset();
    await opened.cleanup();
  });

  const agents = channelAgents({
    store: () => opened.store,
    config: {
      now: () => clock,
      messageHandling: { normalizeInput: true, detectUrgency: false, maintainContext: true },
    },
    answer: async (request) => {
      resumed.push(request.resumeSessionId);
      return { text: 'noted', sessionId: `session-${resumed.length}` };
    },
  });
  const { useAgent } = agents;

  async function say(core: ChannelCore, text: string, id: string): Promise<void> {
    await core.receive('memory', {
      headers: {},
      rawBody: new TextEncoder().encode(JSON.stringify({ text, id })),
      url: 'http://localhost/memory',
    });
    expect(await core.processDue()).toBe(1);
  }

  it('continues a thread within contextTtl and starts a new session after it (an injected clock)', async () => {
    const handling = resolveChannelHandling({ maintainContext: true, contextTtl: '12h' }, {});
    expect(handling.contextTtlMs).toBe(12 * hour);
    const core = new ChannelCore({
      store: opened.store,
      adapters: [threadAdapter()],
      useAgent,
      now: () => clock,
      handlingOf: () => handling,
    });
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await say(core, 'my name is Ada', 'e1');
    clock += 11 * hour;
    await say(core, 'what is my name?', 'e2');
    clock += 12 * hour + 1;
    await say(core, 'hello again', 'e3');
    clock += hour;
    await say(core, 'and again', 'e4');
    expect(resumed).toEqual([undefined, 'session-1', undefined, 'session-3']);
  });

  it('keeps a thread for 7 days by default', async () => {
    expect(resolveChannelHandling({ maintainContext: true }, {}).contextTtlMs).toBe(7 * 24 * hour);
    expect(resolveChannelHandling({ maintainContext: false, contextTtl: '1h' }, {}).contextTtlMs).toBe(
      undefined,
    );
  });
});
