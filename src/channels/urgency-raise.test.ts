import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import type { ChannelMessage } from './message.js';
import { InboundQueue } from './store/inbound-queue.js';
import { channelTables } from './store/tables.js';
import { type RaiseRequest, UrgencyRaiser } from './urgency-raise.js';

const messageOf = (tenantId: string, agentId: string, providerId: string): ChannelMessage => ({
  tenantId,
  agentId,
  channel: 'sms',
  sender: { id: '+14155550199', provider: 'twilio' },
  conversationKey: `+14155550100:+14155550199`,
  text: 'Can you call me about my booking?',
  attachments: [],
  urgency: 'normal',
  urgencyContextPending: true,
  receivedAt: 1_780_000_000_000,
  providerId,
  routeKey: '+14155550100',
  reply: { to: '+14155550199' },
});

describe.each(storeEngines)('UrgencyRaiser across tenants on $name', (engine) => {
  let opened: TestStore;
  beforeEach(async () => {
    opened = await engine.open();
  });
  afterEach(async () => {
    await opened.cleanup();
  });

  it('gives a kept score only to the tenant and agent of its queue row, once, and lifts only that tenant’s row', async () => {
    const queue = new InboundQueue(opened.store);
    const acme = messageOf('acme', 'desk', 'SM-acme');
    const globex = messageOf('globex', 'desk', 'SM-globex');
    await queue.enqueue('row-acme', acme, 1_000);
    await queue.enqueue('row-globex', globex, 1_000);

    const errors: unknown[] = [];
    const raiser = new UrgencyRaiser({
      queue,
      // Acme's sender is the one whose context is urgent; globex's message stays normal.
      score: async ({ message }) =>
        message.tenantId === 'acme'
          ? { ...message, urgency: 'high', urgencyReasons: ['context: 3 messages in an hour'] }
          : message,
      onError: (error) => errors.push(error),
      onBatch: () => {},
    });
    const request = (id: string, message: ChannelMessage): RaiseRequest => ({
      id,
      message,
      digests: { sender: `sender-${message.tenantId}`, conversation: `conversation-${message.tenantId}` },
    });
    raiser.add(request('row-acme', acme));
    raiser.add(request('row-globex', globex));
    // A request naming acme's row under globex (as a bug upstream would): globex's score, never acme's row.
    raiser.add(request('row-acme', { ...globex, urgency: 'low' }));
    await raiser.settled();
    expect(errors).toEqual([]);

    // Another tenant, or another agent of the same tenant, asking for acme's row id gets nothing of acme's.
    expect(raiser.take('row-acme', 'globex', 'desk')).toEqual({ urgency: 'low' });
    expect(raiser.take('row-acme', 'globex', 'desk')).toBeUndefined();
    expect(raiser.take('row-acme', 'acme', 'sales')).toBeUndefined();
    expect(raiser.take('row-globex', 'acme', 'desk')).toBeUndefined();
    // Acme's own worker gets acme's score, once.
    expect(raiser.take('row-acme', 'acme', 'desk')).toEqual({
      urgency: 'high',
      urgencyReasons: ['context: 3 messages in an hour'],
    });
    expect(raiser.take('row-acme', 'acme', 'desk')).toBeUndefined();
    expect(raiser.take('row-globex', 'globex', 'desk')).toEqual({ urgency: 'normal' });

    const db = channelTables(opened.store.db);
    const rows = await db
      .selectFrom('channel_inbound')
      .select(['id', 'tenant_id', 'priority'])
      .orderBy('id')
      .execute();
    expect(rows.map((row) => [row.id, row.tenant_id, Number(row.priority)])).toEqual([
      ['row-acme', 'acme', 2],
      ['row-globex', 'globex', 1],
    ]);
  });

  it('lifts nothing when a lift names another tenant’s row', async () => {
    const queue = new InboundQueue(opened.store);
    await queue.enqueue('row-acme', messageOf('acme', 'desk', 'SM-1'), 1_000);
    await queue.lift([{ id: 'row-acme', tenantId: 'globex', agentId: 'desk', urgency: 'critical' }]);
    await queue.lift([{ id: 'row-acme', tenantId: 'acme', agentId: 'sales', urgency: 'critical' }]);
    const [claimed] = await queue.claim('worker-1', 2_000, 60_000, 10);
    expect(claimed?.message.tenantId).toBe('acme');
    const db = channelTables(opened.store.db);
    const row = await db.selectFrom('channel_inbound').select('priority').executeTakeFirstOrThrow();
    expect(Number(row.priority)).toBe(1);
  });
});
