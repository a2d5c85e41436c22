import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import type { ChannelAdapter, ChannelRequest, InboundDraft } from './adapter.js';
import { ChannelCore, type UseAgent } from './core.js';

/** A provider that keeps what it accepted, by the idempotency key we sent along (like Slack's metadata). */
class MemoryProvider {
  readonly accepted: Array<{ key: string; text: string; id: string }> = [];
  failNext = 0;
  /** Accept the next send, then throw as if the process died before our record. */
  dieAfterAccept = false;

  adapter(): ChannelAdapter {
    return {
      channel: 'memory',
      receive: async (request: ChannelRequest) => {
        const body = JSON.parse(Buffer.from(request.rawBody).toString('utf8')) as Partial<InboundDraft>;
        if (typeof body.text !== 'string') throw new StewardError('invalid-request', 'text missing');
        return {
          messages: [
            {
              channel: 'memory',
              sender: { id: 'customer-1', provider: 'memory' },
              conversationKey: body.conversationKey ?? 'thread-1',
              text: body.text,
              attachments: [],
              urgency: body.urgency ?? 'normal',
              receivedAt: Date.now(),
              providerId: body.providerId ?? 'event-1',
              routeKey: body.routeKey ?? 'box-1',
              reply: {},
            },
          ],
        };
      },
      openDelivery: async (_message, context) => ({
        finish: async (text) => {
          await context.outbox.once(`${context.deliveryId}:part:0`, {
            send: async () => {
              if (this.failNext > 0) {
                this.failNext--;
                throw new Error('provider unavailable');
              }
              const id = `m-${this.accepted.length + 1}`;
              this.accepted.push({ key: `${context.deliveryId}:part:0`, text, id });
              if (this.dieAfterAccept) {
                this.dieAfterAccept = false;
                throw new Error('killed after the provider accepted');
              }
              return id;
            },
            findSent: async () =>
              this.accepted.find((sent) => sent.key === `${context.deliveryId}:part:0`)?.id,
          });
        },
      }),
    };
  }
}

const request = (body: Record<string, unknown>): ChannelRequest => ({
  headers: {},
  rawBody: new TextEncoder().encode(JSON.stringify(body)),
  url: 'http://localhost/channels/memory',
});

describe.each(storeEngines)('ChannelCore on $name', (engine) => {
  let opened: TestStore;
  let provider: MemoryProvider;
  let agents: ClaudeAgent[];
  let calls: string[];
  let clock: number;

  beforeEach(async () => {
    opened = await engine.open();
    provider = new MemoryProvider();
    agents = [];
    calls = [];
    clock = 1_780_000_000_000;
  });
  afterEach(async () => {
    for (const agent of agents) await agent.close();
    await opened.cleanup();
  });

  const useAgent: UseAgent = async (tenantId, agentId, work) => {
    const runtime = new FunctionRuntime(async ({ prompt }) => {
      calls.push(`${tenantId}/${agentId}: ${prompt}`);
      return `answer to ${prompt}`;
    });
    const agent = new ClaudeAgent({ tenantId, agentId, store: opened.store, runtime });
    agents.push(agent);
    return work(agent);
  };
  const newCore = (workerId: string, extra: Partial<ConstructorParameters<typeof ChannelCore>[0]> = {}) =>
    new ChannelCore({
      store: opened.store,
      adapters: [provider.adapter()],
      useAgent,
      workerId,
      now: () => clock,
      leaseMs: 10_000,
      backoffMs: 1_000,
      ...extra,
    });

  it('drops a message for an unknown destination with a recorded reason, and answers none', async () => {
    const core = newCore('a');
    const response = await core.receive('memory', request({ text: 'hello', routeKey: 'nobody' }));
    expect(response.status).toBe(200);
    expect(await core.processDue()).toBe(0);
    expect(await core.drops()).toEqual([
      { channel: 'memory', routeKey: 'nobody', reason: 'unknown-destination', receivedAt: clock },
    ]);
    expect(provider.accepted).toEqual([]);
  });

  it('routes by destination, answers once with that tenant’s agent, and drops a provider retry', async () => {
    const core = newCore('a');
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-2', tenantId: 'globex', agentId: 'desk' });
    await core.receive('memory', request({ text: 'hours?', providerId: 'e1', routeKey: 'box-2' }));
    await core.receive('memory', request({ text: 'hours?', providerId: 'e1', routeKey: 'box-2' }));
    expect(await core.processDue()).toBe(1);
    expect(await core.processDue()).toBe(0);
    expect(calls).toEqual(['globex/desk: hours?']);
    expect(provider.accepted.map((sent) => sent.text)).toEqual(['answer to hours?']);
  });

  it('refuses to bind a destination another tenant holds (409), until that tenant unbinds it', async () => {
    const core = newCore('a');
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    // The same tenant may move it to another of its agents.
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'sales' });
    const claim = core.bindings.bind({
      channel: 'memory',
      routeKey: 'box-1',
      tenantId: 'globex',
      agentId: 'desk',
    });
    await expect(claim).rejects.toMatchObject({ code: 'conflict' });
    await expect(claim).rejects.not.toThrow(/acme/);
    expect(await core.bindings.resolve('memory', 'box-1')).toMatchObject({
      tenantId: 'acme',
      agentId: 'sales',
    });
    await core.receive('memory', request({ text: 'mine?', providerId: 'e1', routeKey: 'box-1' }));
    expect(await core.processDue()).toBe(1);
    expect(calls).toEqual(['acme/sales: mine?']);

    expect(await core.bindings.unbind('acme', 'memory', 'box-1')).toBe(true);
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'globex', agentId: 'desk' });
    expect(await core.bindings.resolve('memory', 'box-1')).toMatchObject({ tenantId: 'globex' });
  });

  it('queues a burst of concurrent events together, and a retry inside the same burst once', async () => {
    const core = newCore('a');
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    const bodies = Array.from({ length: 30 }, (_, index) => ({
      text: `q${index}`,
      providerId: `e${index % 20}`,
      conversationKey: `t${index}`,
    }));
    await Promise.all(bodies.map((body) => core.receive('memory', request(body))));
    const rows = await sql<{ count: number }>`select count(*) as count from channel_inbound`.execute(
      opened.store.db,
    );
    expect(Number(rows.rows[0]?.count)).toBe(20);
  });

  it('claims each message on one worker only when many workers race', async () => {
    await newCore('setup').bindings.bind({
      channel: 'memory',
      routeKey: 'box-1',
      tenantId: 'acme',
      agentId: 'desk',
    });
    const receiver = newCore('receiver');
    for (let index = 0; index < 12; index++) {
      await receiver.receive(
        'memory',
        request({ text: `q${index}`, providerId: `e${index}`, conversationKey: `t${index}` }),
      );
    }
    const workers = ['w1', 'w2', 'w3'].map((id) => newCore(id));
    const handled = await Promise.all(workers.map((worker) => worker.processDue(12)));
    expect(handled.reduce((sum, count) => sum + count, 0)).toBe(12);
    expect(provider.accepted).toHaveLength(12);
    expect(new Set(provider.accepted.map((sent) => sent.text)).size).toBe(12);
  });

  it('claims critical messages before older normal ones', async () => {
    const core = newCore('a');
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await core.receive('memory', request({ text: 'normal', providerId: 'e1', conversationKey: 't1' }));
    await core.receive(
      'memory',
      request({ text: 'urgent', providerId: 'e2', conversationKey: 't2', urgency: 'critical' }),
    );
    await core.processDue(1);
    expect(calls).toEqual(['acme/desk: urgent']);
  });

  it('retries a failed send with backoff, without asking the agent again', async () => {
    const core = newCore('a');
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await core.receive('memory', request({ text: 'hi' }));
    provider.failNext = 1;
    expect(await core.processDue()).toBe(1);
    expect(provider.accepted).toEqual([]);
    clock += 999;
    expect(await core.processDue()).toBe(0); // backing off
    clock += 1;
    expect(await core.processDue()).toBe(1);
    expect(calls).toEqual(['acme/desk: hi']);
    expect(provider.accepted.map((sent) => sent.text)).toEqual(['answer to hi']);
  });

  it('fails a message for good after maxAttempts', async () => {
    const core = newCore('a', { maxAttempts: 2 });
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await core.receive('memory', request({ text: 'hi' }));
    provider.failNext = 5;
    await core.processDue();
    clock += 1_000;
    await core.processDue();
    clock += 60_000;
    expect(await core.processDue()).toBe(0);
    const row = await sql<{
      status: string;
      attempts: number;
    }>`select status, attempts from channel_inbound`.execute(opened.store.db);
    expect(row.rows).toEqual([{ status: 'failed', attempts: 2 }]);
  });

  it('a worker that dies after the claim leaves the message to another once its lease ends: one reply', async () => {
    const receiver = newCore('a');
    await receiver.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await receiver.receive('memory', request({ text: 'hi' }));
    // Worker a claims and is killed (nothing after the claim runs).
    expect(await receiver.queue.claim('a', clock, 10_000, 10)).toHaveLength(1);
    const other = newCore('b');
    expect(await other.processDue()).toBe(0); // leased to a
    clock += 10_000;
    expect(await other.processDue()).toBe(1);
    expect(await other.processDue()).toBe(0);
    expect(provider.accepted.map((sent) => sent.text)).toEqual(['answer to hi']);
  });

  it('a worker killed between the provider’s accept and our record: the next one finds the part and sends nothing', async () => {
    const core = newCore('a');
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await core.receive('memory', request({ text: 'hi' }));
    provider.dieAfterAccept = true;
    await core.processDue();
    expect(provider.accepted).toHaveLength(1);
    clock += 60_000;
    expect(await newCore('b').processDue()).toBe(1);
    expect(provider.accepted).toHaveLength(1);
    const [id] = (await sql<{ id: string }>`select id from channel_inbound`.execute(opened.store.db)).rows;
    expect(await core.outbox.parts(id!.id)).toEqual([
      { key: `${id!.id}:part:0`, state: 'sent', providerMessageId: 'm-1' },
    ]);
    expect((await core.queue.status(id!.id))?.status).toBe('done');
    expect(calls).toHaveLength(1);
  });

  it('a worker that stalled past its lease sends nothing once another worker took the message', async () => {
    const core = newCore('a');
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await core.receive('memory', request({ text: 'hi' }));
    // First attempt: the answer is saved, then the send fails, so the retry skips the agent.
    provider.failNext = 1;
    await core.processDue();
    clock += 1_000;
    const stalling: UseAgent = async (tenantId, agentId, work) => {
      // While a is busy, its lease ends and worker b claims the message (and has not sent yet).
      clock += 10_000;
      expect(await core.queue.claim('b', clock, 10_000, 1)).toHaveLength(1);
      return useAgent(tenantId, agentId, work);
    };
    await newCore('a', { useAgent: stalling }).processDue();
    expect(provider.accepted).toEqual([]);
    clock += 10_000;
    expect(await newCore('c').processDue()).toBe(1);
    expect(provider.accepted.map((sent) => sent.text)).toEqual(['answer to hi']);
    expect(calls).toHaveLength(1);
  });

  it('keeps bot tokens encrypted at rest and never lists them', async () => {
    const core = newCore('a');
    await core.bindings.bind({
      channel: 'memory',
      routeKey: 'box-1',
      tenantId: 'acme',
      agentId: 'desk',
      secret: { botToken: 'xoxb-very-secret' },
      details: { team: 'Acme' },
    });
    const raw = await sql<{ secret: string }>`select secret from channel_bindings`.execute(opened.store.db);
    expect(raw.rows[0]?.secret).not.toContain('xoxb');
    expect((await core.bindings.resolve('memory', 'box-1'))?.secret).toEqual({
      botToken: 'xoxb-very-secret',
    });
    expect(JSON.stringify(await core.bindings.list('acme'))).not.toContain('xoxb');
    expect(await core.bindings.list('globex')).toEqual([]);
  });

  it('stores queued message text encrypted', async () => {
    const core = newCore('a');
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await core.receive('memory', request({ text: 'my card is 4111 1111 1111 1111' }));
    const raw = await sql<{ message: string }>`select message from channel_inbound`.execute(opened.store.db);
    expect(raw.rows[0]?.message).not.toContain('4111');
  });

  it('audits the channel message and its reply on the agent’s bus', async () => {
    const core = newCore('a');
    await core.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await core.receive('memory', request({ text: 'hi' }));
    const seen: string[] = [];
    const auditedUse: UseAgent = (tenantId, agentId, work) =>
      useAgent(tenantId, agentId, (agent) => {
        agent.events.onAny((event) => {
          if (event.name.startsWith('channel-')) seen.push(event.name);
        });
        return work(agent);
      });
    await newCore('b', { useAgent: auditedUse }).processDue();
    expect(seen).toEqual(['channel-message-received', 'channel-reply-sent']);
  });
});
