import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { channelAgents } from '../../test/support/recording-agents.js';
import { signedSms } from '../../test/support/signed-sms.js';
import { startTwilioApiServer, type TwilioApiServer } from '../../test/support/twilio-api-server.js';
import type { ChannelRequest, InboundDraft } from './adapter.js';
import { ChannelCore } from './core.js';
import { createSmsChannel } from './sms/index.js';
import { channelTables } from './store/tables.js';
import { scoreUrgency } from './urgency/index.js';
import { SenderHistory } from './urgency-context.js';

const accountSid = `AC${'c'.repeat(32)}`;
const authToken = 'urgency-context-auth-token';
const publicUrl = 'https://steward.example/channels/twilio/sms';
const acmeDesk = '+14155550100';
const acmeSales = '+14155550101';
const otherDesk = '+14155550200';
const ada = '+14155550199';
const bob = '+14155550177';
const minute = 60_000;

// Questions that are normal on their own: only the context can make them more.
const calls = [
  'Can you call me about my booking?',
  'Please give me a call about the booking',
  'Could someone phone me about the booking',
];

let sequence = 0;
const text = (from: string, to: string, body: string): ChannelRequest =>
  signedSms({ accountSid, authToken, publicUrl }, { from, to, body });

describe.each(storeEngines)('urgency from the sender’s context on $name', (engine) => {
  let opened: TestStore;
  let api: TwilioApiServer;
  let clock: number;
  let prompts: string[];
  let smsAdapter: ReturnType<typeof createSmsChannel>;

  beforeAll(async () => {
    api = await startTwilioApiServer({ accountSid, authToken });
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    opened = await engine.open();
    clock = 1_780_000_000_000;
    prompts = [];
  });
  afterEach(async () => {
    await agents.reset();
    await opened.cleanup();
  });

  // As the fleet's host does: started, so its audit records every event.
  const agents = channelAgents({
    store: () => opened.store,
    config: { now: () => clock, audit: { level: 'standard' } },
    start: true,
    answer: async ({ prompt }) => {
      prompts.push(prompt);
      return 'We will call you shortly.';
    },
  });
  const { useAgent } = agents;

  async function newCore(options: { onUrgencyError?: (error: unknown) => void } = {}) {
    const sms = createSmsChannel({
      config: { type: 'sms', accountSid, authToken, from: acmeDesk, publicUrl, apiUrl: api.url },
      store: opened.store,
      env: {},
      now: () => clock,
    });
    smsAdapter = sms;
    const core = new ChannelCore({
      store: opened.store,
      adapters: [sms],
      useAgent,
      now: () => clock,
      handlingOf: () => ({ detectUrgency: true }),
      ...options,
    });
    await core.bindings.bind({ channel: 'sms', routeKey: acmeDesk, tenantId: 'acme', agentId: 'desk' });
    await core.bindings.bind({ channel: 'sms', routeKey: acmeSales, tenantId: 'acme', agentId: 'sales' });
    await core.bindings.bind({ channel: 'sms', routeKey: otherDesk, tenantId: 'other', agentId: 'desk' });
    await core.bindings.bind({
      channel: 'email',
      routeKey: 'desk@acme.example',
      tenantId: 'acme',
      agentId: 'desk',
    });
    return core;
  }

  /** The queued messages' priorities (their levels), oldest first. */
  async function priorities(): Promise<number[]> {
    const rows = await channelTables(opened.store.db)
      .selectFrom('channel_inbound')
      .select('priority')
      .orderBy('received_at')
      .execute();
    return rows.map((row) => row.priority);
  }

  /** The one `channel-message-urgent` record: high, for the two context rules a third message in an hour fires. */
  async function expectOneUrgentByContext(): Promise<void> {
    const audit = (await agents.built[0]!.audit())!;
    const urgent = (await audit.search({ tenantId: 'acme', eventTypes: ['channel-message-urgent'] })).records;
    expect(urgent.map((record) => record.payload)).toEqual([
      expect.objectContaining({
        level: 'high',
        reasons: [
          'context: 2 earlier messages from this sender in 24 h',
          'context: 2 earlier messages from this sender within an hour',
        ],
      }),
    ]);
  }

  it('makes an SMS sender’s third message within an hour high: it jumps the queue and its audit record names the context', async () => {
    for (const body of calls) expect(scoreUrgency(body).level).toBe('normal');
    const core = await newCore();
    await core.receive('sms', text(bob, acmeDesk, 'What time do you open tomorrow?'));
    for (const body of calls) {
      clock += 5 * minute;
      await core.receive('sms', text(ada, acmeDesk, body));
    }
    // Acknowledged on the words' level; the context is scored once each message is committed.
    await core.urgencyContextSettled();
    const rows = await channelTables(opened.store.db)
      .selectFrom('channel_inbound')
      .select(['priority', 'sender_digest'])
      .orderBy('received_at')
      .execute();
    expect(rows.map((row) => row.priority)).toEqual([1, 1, 1, 2]);
    // The queue keeps a keyed digest of the sender, never the number.
    expect(rows[1]?.sender_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain('4155550199');

    expect(await core.processDue(1)).toBe(1);
    expect(prompts).toEqual([calls[2]]);
    await expectOneUrgentByContext();
  });

  it('reads a message’s sender context once: the worker of the instance that scored it takes that score', async () => {
    const core = await newCore();
    const reads = vi.spyOn(SenderHistory.prototype, 'contextOf');
    try {
      for (const body of calls) {
        clock += minute;
        await core.receive('sms', text(ada, acmeDesk, body));
      }
      await core.urgencyContextSettled();
      expect(reads).toHaveBeenCalledTimes(3);
      expect(await core.processDue(3)).toBe(3);
      expect(reads).toHaveBeenCalledTimes(3);
    } finally {
      reads.mockRestore();
    }
    // The score taken is the one the context gave: the third message is answered as high, with its reasons.
    await expectOneUrgentByContext();
  });

  /** An email from `sender` to acme's desk, received at `at`. */
  const mail = (sender: string, body: string, at: number): InboundDraft => ({
    channel: 'email',
    sender: { id: sender, provider: 'email' },
    conversationKey: `email:desk@acme.example:<thread-${sender}>`,
    text: body,
    attachments: [],
    urgency: 'normal',
    receivedAt: at,
    providerId: `<m-${++sequence}@example.com> desk@acme.example`,
    routeKey: 'desk@acme.example',
    reply: { to: sender, messageId: `<m-${sequence}@example.com>`, references: '', subject: 'Booking' },
  });

  it('scores a burst committed in one group commit as if its messages were accepted one by one', async () => {
    const core = await newCore();
    const before = core.queue.groupCommits.commits;
    // Accepted together: one commit holds all three, and each is scored after it.
    await Promise.all(
      calls.map((body, index) => core.accept([mail('cy@example.com', body, clock + index * minute)])),
    );
    expect(core.queue.groupCommits.commits - before).toBe(1);
    await core.urgencyContextSettled();
    expect(await priorities()).toEqual([1, 1, 2]);
  });

  it('has the worker score the sender’s context of a message claimed before it was scored', async () => {
    const core = await newCore();
    for (const body of calls.slice(0, 2)) {
      clock += minute;
      await core.receive('sms', text(ada, acmeDesk, body));
    }
    await core.urgencyContextSettled();
    // Queued on its words alone, as an instance that stopped right after the acknowledgement leaves it.
    clock += minute;
    const [draft] = (await smsAdapter.receive(text(ada, acmeDesk, calls[2]!))).messages;
    const { files: _files, ...fields } = draft!;
    const pending = { ...fields, tenantId: 'acme', agentId: 'desk' };
    const digests = await new SenderHistory(opened.store, core.contacts).digestsOf(pending);
    await core.queue.enqueue('pending-1', { ...pending, urgencyContextPending: true }, clock, digests);
    expect(await priorities()).toEqual([1, 1, 1]);

    expect(await core.processDue(3)).toBe(3);
    await expectOneUrgentByContext();
  });

  it('acknowledges and keeps a message whose sender context cannot be read, and reports why', async () => {
    const errors: unknown[] = [];
    const core = await newCore({ onUrgencyError: (error) => errors.push(error) });
    // The contacts' identities are read for the context only (not to queue): without them that read fails.
    await opened.store.db.schema.dropTable('contact_identities').execute();
    const response = await core.receive('sms', text(ada, acmeDesk, calls[0]!));
    expect(response.status).toBe(200);
    await core.urgencyContextSettled();
    expect(errors).toHaveLength(1);
    // Queued at its words' level; its worker tries the context again and reports it once more (answering
    // needs the contacts too here, so the message goes back to the queue for a later attempt, not failed).
    expect(await priorities()).toEqual([1]);
    expect(await core.processDue(1)).toBe(1);
    expect(errors).toHaveLength(2);
    const [row] = await channelTables(opened.store.db)
      .selectFrom('channel_inbound')
      .select(['status'])
      .execute();
    expect(row?.status).toBe('queued');
  });

  it('does not count what the same number wrote to another tenant, or to another agent of the same tenant', async () => {
    const core = await newCore();
    for (const to of [otherDesk, otherDesk, otherDesk, acmeSales, acmeSales]) {
      clock += minute;
      await core.receive('sms', text(ada, to, calls[0]!));
    }
    clock += minute;
    await core.receive('sms', text(ada, acmeDesk, calls[1]!));
    await core.urgencyContextSettled();
    const rows = await channelTables(opened.store.db)
      .selectFrom('channel_inbound')
      .select(['tenant_id', 'agent_id', 'priority'])
      .orderBy('received_at')
      .execute();
    // The other tenant's own third message is high: its context is its own.
    expect(rows.map((row) => `${row.tenant_id}/${row.agent_id}:${row.priority}`)).toEqual([
      'other/desk:1',
      'other/desk:1',
      'other/desk:2',
      'acme/sales:1',
      'acme/sales:1',
      'acme/desk:1',
    ]);
  });

  it('counts a linked contact’s messages on every channel, and keeps a follow-up to a critical message high', async () => {
    const core = await newCore();
    await core.contacts.create(
      'acme',
      {
        identities: [
          { kind: 'phone', value: ada },
          { kind: 'email', value: 'ada@example.com' },
        ],
      },
      'key:test',
    );
    const email = (body: string): InboundDraft => ({
      channel: 'email',
      sender: { id: 'ada@example.com', provider: 'email' },
      conversationKey: `email:desk@acme.example:<thread-${sequence}@example.com>`,
      text: body,
      attachments: [],
      urgency: 'normal',
      receivedAt: clock,
      providerId: `<m-${++sequence}@example.com> desk@acme.example`,
      routeKey: 'desk@acme.example',
      reply: {
        to: 'ada@example.com',
        messageId: `<m-${sequence}@example.com>`,
        references: '',
        subject: 'Booking',
      },
    });
    await core.accept([email(calls[0]!)]);
    clock += 10 * minute;
    await core.accept([email(calls[1]!)]);
    clock += 10 * minute;
    await core.receive('sms', text(ada, acmeDesk, calls[2]!));
    // Bob, unlinked, writing once: normal (a minute later: the rows are listed by when they came).
    clock += minute;
    await core.receive('sms', text(bob, acmeDesk, calls[2]!));
    clock += 2 * 60 * minute;
    await core.receive('sms', text(bob, acmeDesk, 'The water heater is flooding the garage!'));
    clock += 5 * minute;
    await core.receive('sms', text(bob, acmeDesk, 'Any update?'));
    await core.urgencyContextSettled();
    expect(await priorities()).toEqual([1, 1, 2, 1, 3, 2]);
  });
});
