import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { startFakeSlack } from '../../test/support/fake-slack.js';
import { channelAgents } from '../../test/support/recording-agents.js';
import { signedSms } from '../../test/support/signed-sms.js';
import { startSmtpRelay } from '../../test/support/smtp-relay.js';
import { startTwilioApiServer, type TwilioApiServer } from '../../test/support/twilio-api-server.js';
import type { ChannelRequest } from './adapter.js';
import { ChannelCore } from './core.js';
import { createEmailChannel } from './email/index.js';
import { createSlackChannel } from './slack/slack-channel.js';
import { createSmsChannel } from './sms/index.js';
import { channelTables } from './store/tables.js';
import { type ChannelHandling, resolveChannelHandling } from './urgency-inbound.js';

const accountSid = `AC${'b'.repeat(32)}`;
const authToken = 'urgency-auth-token';
const publicUrl = 'https://steward.example/channels/twilio/sms';
const acmeNumber = '+14155550100';
const customer = '+14155550199';
const owner = '+14155550123';

const text = (body: string): ChannelRequest =>
  signedSms({ accountSid, authToken, publicUrl }, { from: customer, to: acmeNumber, body });

describe('resolveChannelHandling', () => {
  it('takes the notice recipient from the config or STEWARD_URGENCY_NOTIFY_TO', () => {
    const config = { detectUrgency: true, urgencyNotify: { channel: 'sms' as const } };
    expect(resolveChannelHandling(config, { STEWARD_URGENCY_NOTIFY_TO: owner })).toEqual({
      detectUrgency: true,
      notify: { minLevel: 'high', channel: 'sms', to: owner },
    });
    expect(() => resolveChannelHandling(config, {})).toThrow(/set `to`.*or STEWARD_URGENCY_NOTIFY_TO/);
    // A Slack incoming webhook posts to its own channel: no recipient needed; with a bot token one still is.
    const slackNotify = { detectUrgency: true, urgencyNotify: { channel: 'slack' as const } };
    const webhook = 'https://hooks.slack.com/services/T0/B0/x';
    expect(
      resolveChannelHandling(slackNotify, {}, 'acme/desk', [{ type: 'slack', webhook, features: [] }]),
    ).toMatchObject({ notify: { channel: 'slack', to: '' } });
    expect(
      resolveChannelHandling(slackNotify, { SLACK_WEBHOOK: webhook }, 'acme/desk', [
        { type: 'slack', features: [] },
      ]),
    ).toMatchObject({ notify: { channel: 'slack', to: '' } });
    expect(() =>
      resolveChannelHandling(slackNotify, {}, 'acme/desk', [
        { type: 'slack', webhook, botToken: 'xoxb-1', features: [] },
      ]),
    ).toThrow(/has no recipient/);
    expect(() => resolveChannelHandling(slackNotify, {}, 'acme/desk', [])).toThrow(/has no recipient/);
    expect(() =>
      resolveChannelHandling({ urgencyNotify: { channel: 'sms', to: owner } }, {}, 'acme/desk'),
    ).toThrow(/acme\/desk needs messageHandling.detectUrgency: true/);
  });
});

describe.each(storeEngines)('inbound urgency on $name', (engine) => {
  let opened: TestStore;
  let api: TwilioApiServer;
  let prompts: string[];
  let failAgent: number;
  let events: Array<{ name: string; payload: Record<string, unknown> }>;

  beforeAll(async () => {
    api = await startTwilioApiServer({ accountSid, authToken });
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    opened = await engine.open();
    prompts = [];
    failAgent = 0;
    events = [];
    api.messages.splice(0);
  });
  afterEach(async () => {
    await agents.reset();
    await opened.cleanup();
  });

  const agents = channelAgents({
    store: () => opened.store,
    answer: async ({ prompt }) => {
      if (failAgent > 0) {
        failAgent--;
        throw new Error('model unavailable');
      }
      prompts.push(prompt);
      return 'We are on our way.';
    },
    onBuilt: (agent) =>
      agent.events.onAny((event) => {
        if (event.name.startsWith('channel-')) {
          events.push({ name: event.name, payload: event.payload as unknown as Record<string, unknown> });
        }
      }),
  });
  const { useAgent } = agents;

  async function newCore(handling: ChannelHandling | undefined) {
    const sms = createSmsChannel({
      config: { type: 'sms', accountSid, authToken, from: acmeNumber, publicUrl, apiUrl: api.url },
      store: opened.store,
      env: {},
    });
    const core = new ChannelCore({
      store: opened.store,
      adapters: [sms],
      useAgent,
      backoffMs: 0,
      ...(handling ? { handlingOf: () => handling } : {}),
    });
    await core.bindings.bind({ channel: 'sms', routeKey: acmeNumber, tenantId: 'acme', agentId: 'desk' });
    return core;
  }

  it('scores each message at enqueue, keeps the level on the row, and claims a critical one before an older question', async () => {
    const core = await newCore({ detectUrgency: true });
    await core.receive('sms', text('What time do you open tomorrow?'));
    await core.receive('sms', text('There is smoke coming out of the oven you installed!'));
    const rows = await channelTables(opened.store.db)
      .selectFrom('channel_inbound')
      .select(['priority', 'received_at'])
      .orderBy('priority')
      .execute();
    expect(rows.map((row) => row.priority)).toEqual([1, 3]);
    expect(await core.processDue(1)).toBe(1);
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toContain('smoke');
    const urgent = events.find((event) => event.name === 'channel-message-urgent');
    expect(urgent?.payload).toMatchObject({
      level: 'critical',
      notified: 'not-configured',
      tenantId: 'acme',
      agentId: 'desk',
    });
    expect(urgent?.payload.reasons).toContain('danger: fire or smoke');
  });

  it('leaves every message normal, in arrival order, without detectUrgency', async () => {
    const core = await newCore(undefined);
    await core.receive('sms', text('What time do you open tomorrow?'));
    await core.receive('sms', text('There is smoke coming out of the oven you installed!'));
    await core.processDue(1);
    expect(prompts[0]).toContain('What time');
    expect(events.map((event) => event.name)).not.toContain('channel-message-urgent');
  });

  it('tells the configured person once by SMS, even when the answer is retried', async () => {
    const core = await newCore({
      detectUrgency: true,
      notify: { minLevel: 'high', channel: 'sms', to: owner },
    });
    await core.receive('sms', text('Water is pouring through the ceiling, the pipe burst!'));
    failAgent = 1;
    expect(await core.processDue()).toBe(1); // the agent fails after the notice went out
    expect(await core.processDue()).toBe(1); // the retry answers the customer
    const toOwner = api.messages.filter((message) => message.to === owner);
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0]?.from).toBe(acmeNumber);
    expect(toOwner[0]?.body).toMatch(/^CRITICAL message on sms for acme\/desk from \+14155550199/);
    expect(toOwner[0]?.body).not.toContain('ceiling'); // the customer's words stay out of the notice
    expect(api.messages.filter((message) => message.to === customer)).toHaveLength(1);
    const notified = events
      .filter((event) => event.name === 'channel-message-urgent')
      .map((event) => event.payload.notified);
    expect(notified).toEqual(['sent', 'sent']);
  });

  it('tells the configured Slack channel once, from the agent’s workspace', async () => {
    const slack = await startFakeSlack({ tokens: ['xoxb-acme'] });
    try {
      const sms = createSmsChannel({
        config: { type: 'sms', accountSid, authToken, from: acmeNumber, publicUrl, apiUrl: api.url },
        store: opened.store,
        env: {},
      });
      const slackChannel = createSlackChannel({
        config: {
          type: 'slack',
          signingSecret: 'slack-signing',
          botToken: 'xoxb-acme',
          apiUrl: slack.apiUrl,
        },
        env: {},
      });
      const core = new ChannelCore({
        store: opened.store,
        adapters: [sms, slackChannel],
        useAgent,
        backoffMs: 0,
        handlingOf: () => ({
          detectUrgency: true,
          notify: { minLevel: 'high', channel: 'slack', to: 'C0OWNER' },
        }),
      });
      await core.bindings.bind({ channel: 'sms', routeKey: acmeNumber, tenantId: 'acme', agentId: 'desk' });
      await core.bindings.bind({ channel: 'slack', routeKey: 'team:T1', tenantId: 'acme', agentId: 'desk' });
      await core.receive('sms', text('Someone hacked our account and placed orders we never placed'));
      failAgent = 1;
      await core.processDue();
      await core.processDue();
      expect(slack.messages.map((message) => [message.channel, message.token])).toEqual([
        ['C0OWNER', 'xoxb-acme'],
      ]);
      expect(slack.messages[0]?.text).toMatch(/^CRITICAL message on sms for acme\/desk/);
    } finally {
      await slack.close();
    }
  });

  it('tells the configured person once by email, through the relay', async () => {
    const relay = await startSmtpRelay();
    try {
      const sms = createSmsChannel({
        config: { type: 'sms', accountSid, authToken, from: acmeNumber, publicUrl, apiUrl: api.url },
        store: opened.store,
        env: {},
      });
      const email = createEmailChannel({
        config: {
          type: 'email',
          address: 'orders@acme.example',
          from: 'Acme <orders@acme.example>',
          smtp: { host: '127.0.0.1', port: relay.port },
        },
        env: {},
      });
      const core = new ChannelCore({
        store: opened.store,
        adapters: [sms, email],
        useAgent,
        backoffMs: 0,
        handlingOf: () => ({
          detectUrgency: true,
          notify: { minLevel: 'high', channel: 'email', to: 'owner@acme.example' },
        }),
      });
      await core.bindings.bind({ channel: 'sms', routeKey: acmeNumber, tenantId: 'acme', agentId: 'desk' });
      await core.bindings.bind({
        channel: 'email',
        routeKey: 'orders@acme.example',
        tenantId: 'acme',
        agentId: 'desk',
      });
      await core.receive('sms', text('I smell gas in the shop since the install'));
      failAgent = 1;
      await core.processDue();
      await core.processDue();
      expect(relay.messages.map((message) => message.recipients)).toEqual([['owner@acme.example']]);
      const raw = relay.messages[0]!.raw.toString('utf8');
      expect(raw).toMatch(/Subject: Urgent customer message for acme\/desk/);
      expect(raw).toContain('CRITICAL message on sms for acme/desk');
    } finally {
      await relay.close();
    }
  });

  it('does not tell anyone below minLevel, and reports a notice that could not go out without failing the reply', async () => {
    const core = await newCore({
      detectUrgency: true,
      notify: { minLevel: 'critical', channel: 'email', to: 'owner@acme.example' },
    });
    await core.receive('sms', text('The dryer you repaired is broken again'));
    await core.processDue();
    await core.receive('sms', text('Gas leak smell in the kitchen since your visit'));
    await core.processDue();
    const notified = events
      .filter((event) => event.name === 'channel-message-urgent')
      .map((event) => [event.payload.level, event.payload.notified]);
    expect(notified).toEqual([
      ['high', 'below-threshold'],
      ['critical', 'failed: the email channel is not configured here'],
    ]);
    expect(api.messages.filter((message) => message.to === customer)).toHaveLength(2);
  });
});
