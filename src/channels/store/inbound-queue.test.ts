import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import type { ChannelMessage } from '../message.js';
import { InboundQueue } from './inbound-queue.js';

const messageOf = (providerId: string, text: string): ChannelMessage => ({
  tenantId: 'acme',
  agentId: 'desk',
  channel: 'slack',
  sender: { id: 'U1', provider: 'slack' },
  conversationKey: `thread-${providerId}`,
  text,
  attachments: [],
  urgency: providerId.endsWith('7') ? 'high' : 'normal',
  receivedAt: 1_780_000_000_000,
  providerId,
  routeKey: 'team:T1',
  reply: { channel: 'C1', messageTs: '1.0', threadTs: '1.0' },
});

describe.each(storeEngines)('InboundQueue group commit on $name', (engine) => {
  let opened: TestStore;
  beforeEach(async () => {
    opened = await engine.open();
  });
  afterEach(async () => {
    await opened.cleanup();
  });

  it('commits a burst of 300 (one statement on PostgreSQL, several sizes on SQLite) once each, duplicates in the same burst skipped', async () => {
    const queue = new InboundQueue(opened.store);
    // 300 distinct events plus 20 retries of some of them, all in flight at once.
    const calls = [
      ...Array.from({ length: 300 }, (_, index) => ({ id: `in-${index}`, providerId: `Ev${index}` })),
      ...Array.from({ length: 20 }, (_, index) => ({ id: `retry-${index}`, providerId: `Ev${index * 7}` })),
    ];
    const results = await Promise.all(
      calls.map(({ id, providerId }) =>
        queue.enqueue(id, messageOf(providerId, `text of ${providerId}`), 1_000),
      ),
    );
    expect(results.filter((result) => !result.duplicate)).toHaveLength(300);
    expect(results.slice(300).every((result) => result.duplicate)).toBe(true);
    expect(results.slice(0, 300).map((result) => result.id)).toEqual(
      calls.slice(0, 300).map((call) => call.id),
    );
    // Another one alone after the burst, and the same event again.
    expect(await queue.enqueue('late', messageOf('Ev-late', 'late'), 1_000)).toEqual({
      id: 'late',
      duplicate: false,
    });
    expect(await queue.enqueue('late-2', messageOf('Ev-late', 'late'), 1_000)).toEqual({
      id: undefined,
      duplicate: true,
    });

    const claimed = await queue.claim('worker-1', 2_000, 60_000, 400);
    expect(claimed).toHaveLength(301);
    // Most urgent first, each message read back whole (the text is sealed at rest).
    expect(claimed[0]!.message.urgency).toBe('high');
    const byId = new Map(claimed.map((job) => [job.id, job.message]));
    expect(byId.get('in-123')).toEqual(messageOf('Ev123', 'text of Ev123'));
    expect(byId.get('late')?.text).toBe('late');
  });

  it('commits webhooks that arrive in separate callbacks of one turn of the event loop together', async () => {
    const queue = new InboundQueue(opened.store);
    // As the HTTP server hands over requests: each in its own callback, microtasks run between them (so
    // each request's handler gets as far as its enqueue before the next request is even parsed).
    const results = await Promise.all(
      Array.from(
        { length: 40 },
        (_, index) =>
          new Promise<Awaited<ReturnType<InboundQueue['enqueue']>>>((resolve, reject) => {
            setImmediate(() => {
              queue
                .enqueue(`in-${index}`, messageOf(`Ev${index}`, `text ${index}`), 1_000)
                .then(resolve, reject);
            });
          }),
      ),
    );
    expect(results.every((result) => !result.duplicate)).toBe(true);
    expect(queue.groupCommits.messages).toBe(40);
    // One commit for the 40 (two when the first callback's commit started before the others ran).
    expect(queue.groupCommits.commits).toBeLessThanOrEqual(2);
    expect(await queue.claim('worker-1', 2_000, 60_000, 100)).toHaveLength(40);
  });

  it('fails only the message whose row cannot be written when a group commit fails, not the others of its batch', async () => {
    const queue = new InboundQueue(opened.store);
    // PostgreSQL refuses a NUL character in text: this provider id cannot be stored there (SQLite keeps it).
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, index) =>
        queue.enqueue(
          `in-${index}`,
          messageOf(index === 7 ? 'Ev\u0000bad' : `Ev${index}`, `text ${index}`),
          1_000,
        ),
      ),
    );
    const committed = results.filter((result) => result.status === 'fulfilled');
    expect(committed.length).toBeGreaterThanOrEqual(29);
    expect(results.filter((result, index) => index !== 7 && result.status === 'rejected')).toEqual([]);
    expect(await queue.claim('worker-1', 2_000, 60_000, 100)).toHaveLength(committed.length);
  });

  it('lifts only the named tenant’s and agent’s queued messages, never above or below what they hold', async () => {
    const queue = new InboundQueue(opened.store);
    await queue.enqueue('m-1', messageOf('Ev-1', 'one'), 1_000);
    await queue.enqueue('m-7', messageOf('Ev-7', 'seven'), 1_000); // high already
    await queue.enqueue('m-2', messageOf('Ev-2', 'two'), 1_000);
    await queue.lift([
      // Another tenant, or another agent, naming acme's rows: nothing moves.
      { id: 'm-1', tenantId: 'globex', agentId: 'desk', urgency: 'critical' },
      { id: 'm-2', tenantId: 'acme', agentId: 'sales', urgency: 'critical' },
      { id: 'm-7', tenantId: 'acme', agentId: 'desk', urgency: 'normal' },
    ]);
    const levels = async () =>
      Object.fromEntries(
        (
          await opened.store.db
            .withTables<{ channel_inbound: { id: string; priority: number } }>()
            .selectFrom('channel_inbound')
            .select(['id', 'priority'])
            .execute()
        ).map((row) => [row.id, row.priority]),
      );
    expect(await levels()).toEqual({ 'm-1': 1, 'm-2': 1, 'm-7': 2 });
    await queue.lift([{ id: 'm-2', tenantId: 'acme', agentId: 'desk', urgency: 'high' }]);
    expect(await levels()).toEqual({ 'm-1': 1, 'm-2': 2, 'm-7': 2 });
  });
});
