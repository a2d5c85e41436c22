import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { ClaudeAgent } from '../agent/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import type { ChannelAdapter, ChannelRequest } from './adapter.js';
import { ChannelCore, type UseAgent } from './core.js';
import { channelStats } from './stats.js';
import { channelTables } from './store/tables.js';

/** Two instances of one deployment: each its own ChannelCore (its own route cache) over the same store. */
describe.each(storeEngines)('a destination rebound on another instance, on $name', (engine) => {
  let opened: TestStore;
  let clock: number;
  let calls: string[];
  let sent: Array<{ key: string; text: string }>;
  let events: Array<{ tenantId: string; name: string; payload: Record<string, unknown> }>;
  let agents: ClaudeAgent[];

  beforeEach(async () => {
    opened = await engine.open();
    clock = 1_780_000_000_000;
    calls = [];
    sent = [];
    events = [];
    agents = [];
  });
  afterEach(async () => {
    for (const agent of agents) await agent.close();
    await opened.cleanup();
  });

  const adapter = (): ChannelAdapter => ({
    channel: 'memory',
    receive: async (request: ChannelRequest) => {
      const body = JSON.parse(Buffer.from(request.rawBody).toString('utf8')) as { text: string; id: string };
      return {
        messages: [
          {
            channel: 'memory',
            sender: { id: 'customer-1', provider: 'memory' },
            conversationKey: 'thread-1',
            text: body.text,
            attachments: [],
            urgency: 'normal',
            receivedAt: clock,
            providerId: body.id,
            routeKey: 'box-1',
            reply: {},
          },
        ],
      };
    },
    openDelivery: async (_message, context) => ({
      finish: async (text) => {
        const key = `${context.deliveryId}:part:0`;
        await context.outbox.once(key, {
          send: async () => {
            sent.push({ key, text });
            return `m-${sent.length}`;
          },
          findSent: async () => (sent.some((each) => each.key === key) ? 'found' : undefined),
        });
      },
    }),
  });

  const useAgent: UseAgent = async (tenantId, agentId, work) => {
    const runtime = new FunctionRuntime(async ({ prompt }) => {
      calls.push(`${tenantId}/${agentId}: ${prompt}`);
      return `${tenantId} answers`;
    });
    const agent = new ClaudeAgent({ tenantId, agentId, store: opened.store, runtime });
    agent.events.onAny((event) => {
      if (event.name.startsWith('channel-')) {
        events.push({
          tenantId,
          name: event.name,
          payload: event.payload as unknown as Record<string, unknown>,
        });
      }
    });
    agents.push(agent);
    return work(agent);
  };

  const instance = (workerId: string, workspacesDirectory?: string) =>
    new ChannelCore({
      store: opened.store,
      adapters: [adapter()],
      useAgent,
      workerId,
      now: () => clock,
      handlingOf: () => ({ detectUrgency: true }),
      ...(workspacesDirectory === undefined ? {} : { workspacesDirectory }),
    });
  const message = (text: string, id: string): ChannelRequest => ({
    headers: {},
    rawBody: new TextEncoder().encode(JSON.stringify({ text, id })),
    url: 'http://localhost/channels/memory',
  });
  const rows = () =>
    channelTables(opened.store.db)
      .selectFrom('channel_inbound')
      .select(['provider_id', 'tenant_id', 'agent_id', 'status', 'last_error'])
      .orderBy('received_at')
      .execute();

  it('moves a message routed by a stale cache entry to the destination’s new owner, once, and never lets the old owner answer', async () => {
    const first = instance('first');
    const second = instance('second');
    await first.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await first.receive('memory', message('hours?', 'e1'));
    expect(await first.processDue()).toBe(1);

    // On the second instance acme lets the box go and globex takes it; the first still has acme cached.
    clock += 300;
    expect(await second.bindings.unbind('acme', 'memory', 'box-1')).toBe(true);
    await second.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'globex', agentId: 'desk' });
    clock += 300;
    await first.receive('memory', message('My card was charged twice, I want a refund', 'e2'));
    expect((await rows()).map((row) => `${row.provider_id}:${row.tenant_id}`)).toEqual([
      'e1:acme',
      'e2:acme',
    ]);

    expect(await first.processDue()).toBe(1); // moved, not answered
    expect(calls).toEqual(['acme/desk: hours?']);
    expect((await rows())[1]).toMatchObject({ tenant_id: 'globex', agent_id: 'desk', status: 'queued' });
    expect(await second.processDue()).toBe(1);
    expect(await first.processDue()).toBe(0);
    expect(await second.processDue()).toBe(0);
    expect(calls).toEqual(['acme/desk: hours?', 'globex/desk: My card was charged twice, I want a refund']);
    expect(sent.map((each) => each.text)).toEqual(['acme answers', 'globex answers']);
    expect((await rows())[1]).toMatchObject({ status: 'done' });

    // Audited on the new owner's bus as re-routed, without naming the other tenant; scored as its own.
    const rerouted = events.filter((event) => event.name === 'channel-message-rerouted');
    expect(rerouted).toHaveLength(1);
    expect(rerouted[0]).toMatchObject({
      tenantId: 'globex',
      payload: { tenantId: 'globex', agentId: 'desk', reason: 'stale-route', previousAgentId: null },
    });
    expect(JSON.stringify(rerouted)).not.toContain('acme');
    expect(
      events.filter((event) => event.tenantId === 'acme').map((event) => event.payload.providerId),
    ).not.toContain('e2');
    expect(await first.drops()).toEqual([]);
  });

  it('moves the message’s files with it: the new owner’s worker writes them into its own workspace', async () => {
    const workspaces = mkdtempSync(join(tmpdir(), 'steward-rebound-'));
    try {
      const first = instance('first', workspaces);
      const second = instance('second', workspaces);
      await first.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
      await first.bindings.route('memory', 'box-1');
      clock += 300;
      await second.bindings.unbind('acme', 'memory', 'box-1');
      await second.bindings.bind({
        channel: 'memory',
        routeKey: 'box-1',
        tenantId: 'globex',
        agentId: 'desk',
      });
      clock += 300;
      await first.accept([
        {
          channel: 'memory',
          sender: { id: 'customer-1', provider: 'memory' },
          conversationKey: 'thread-1',
          text: 'the invoice, attached',
          attachments: [],
          urgency: 'normal',
          receivedAt: clock,
          providerId: 'e1',
          routeKey: 'box-1',
          reply: {},
          files: [
            {
              name: 'invoice.pdf',
              contentType: 'application/pdf',
              content: new TextEncoder().encode('%PDF'),
            },
          ],
        },
      ]);
      expect(await first.processDue()).toBe(1);
      expect(await second.processDue()).toBe(1);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatch(/^globex\/desk: the invoice, attached/);
      const [row] = await channelTables(opened.store.db).selectFrom('channel_inbound').select('id').execute();
      const written = join(workspaces, 'globex', 'desk', 'inbox', row!.id, '1-invoice.pdf');
      expect(readFileSync(written, 'utf8')).toBe('%PDF');
      expect(existsSync(join(workspaces, 'acme'))).toBe(false);
    } finally {
      rmSync(workspaces, { recursive: true, force: true });
    }
  });

  it('moves a message at most once: a second stale owner drops it instead of passing it on', async () => {
    const first = instance('first');
    const second = instance('second');
    await first.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await first.bindings.route('memory', 'box-1');
    clock += 300;
    await second.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'sales' });
    clock += 300;
    await first.receive('memory', message('hello?', 'e1'));
    expect(await first.processDue()).toBe(1);
    expect((await rows())[0]).toMatchObject({ agent_id: 'sales', status: 'queued' });
    // The destination moves again, and (clocks apart) its new binding looks older than the message.
    await second.bindings.bind({
      channel: 'memory',
      routeKey: 'box-1',
      tenantId: 'acme',
      agentId: 'billing',
    });
    await sql`update channel_bindings set updated_at = ${clock - 1_000}`.execute(opened.store.db);
    expect(await second.processDue()).toBe(1);
    expect(calls).toEqual([]);
    expect((await rows())[0]).toMatchObject({
      agent_id: 'sales',
      status: 'dropped',
      last_error: 'destination-rebound',
    });
    expect(await second.drops()).toMatchObject([{ routeKey: 'box-1', reason: 'destination-rebound' }]);
  });

  it('drops, with a recorded reason, a message queued before its destination was rebound or unbound', async () => {
    const first = instance('first');
    const second = instance('second');
    await first.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await first.receive('memory', message('for acme', 'e1'));
    clock += 1_000;
    await second.bindings.unbind('acme', 'memory', 'box-1');
    // Unbound: routed by the first instance's cache, nobody owns the box.
    await first.receive('memory', message('for nobody', 'e2'));
    clock += 1_000;
    await second.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'globex', agentId: 'desk' });
    // e1 was acme's customer writing to acme: globex must not get it, acme can no longer answer from the box.
    expect(await first.processDue()).toBe(2);
    expect(calls).toEqual([]);
    expect(sent).toEqual([]);
    expect(
      (await rows()).map((row) => `${row.provider_id}:${row.tenant_id}:${row.status}:${row.last_error}`),
    ).toEqual(['e1:acme:dropped:destination-rebound', 'e2:acme:dropped:destination-rebound']);
    expect((await first.drops()).map((drop) => drop.reason).sort()).toEqual([
      'destination-rebound',
      'destination-rebound',
    ]);
    // The tenant's channel analytics count them as dropped, by reason, not as pending.
    const [stats] = await channelStats(opened.store, 'acme');
    expect(stats).toMatchObject({
      channel: 'memory',
      messagesIn: 2,
      dropped: 2,
      droppedBy: { 'destination-rebound': 2 },
      pending: 0,
    });
    expect(await channelStats(opened.store, 'globex')).toEqual([]);
  });

  it('drops a claimed message whose destination has no owner now as an unknown destination', async () => {
    const first = instance('first');
    const second = instance('second');
    await first.bindings.bind({ channel: 'memory', routeKey: 'box-1', tenantId: 'acme', agentId: 'desk' });
    await first.bindings.route('memory', 'box-1');
    clock += 500;
    await second.bindings.unbind('acme', 'memory', 'box-1');
    clock += 500;
    await first.receive('memory', message('anyone?', 'e1'));
    expect(await second.processDue()).toBe(1);
    expect(calls).toEqual([]);
    expect((await rows())[0]).toMatchObject({ status: 'dropped', last_error: 'unknown-destination' });
    expect(await second.drops()).toMatchObject([{ routeKey: 'box-1', reason: 'unknown-destination' }]);
  });
});
