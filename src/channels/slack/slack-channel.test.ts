import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { type FakeSlack, startFakeSlack } from '../../../test/support/fake-slack.js';
import { ClaudeAgent } from '../../agent/index.js';
import { FunctionRuntime } from '../../runtime/index.js';
import { ChannelCore, type UseAgent } from '../core.js';
import { signSlackRequest } from './signature.js';
import { createSlackApi } from './slack-api.js';
import { createSlackChannel, placeholderText } from './slack-channel.js';

const signingSecret = 'test-signing-secret';
let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack({ tokens: ['xoxb-acme', 'xoxb-single'] });
});
afterAll(async () => {
  await slack.close();
});

function signed(body: unknown, at = Date.now()) {
  const rawBody = new TextEncoder().encode(JSON.stringify(body));
  const timestamp = Math.floor(at / 1000);
  return {
    headers: {
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(signingSecret, timestamp, rawBody),
      'content-type': 'application/json',
    },
    rawBody,
    url: 'http://127.0.0.1/channels/slack/events',
  };
}

let eventSequence = 0;
function mention(text: string, extra: { channel?: string; team?: string; threadTs?: string } = {}) {
  eventSequence++;
  return {
    type: 'event_callback',
    team_id: extra.team ?? 'T-ACME',
    event_id: `Ev${eventSequence}-${Math.random()}`,
    event: {
      type: 'app_mention',
      user: 'U-CUSTOMER',
      text: `<@U-BOT> ${text}`,
      ts: `1690000000.${String(eventSequence).padStart(6, '0')}`,
      ...(extra.threadTs ? { thread_ts: extra.threadTs } : {}),
      channel: extra.channel ?? `C-${eventSequence}`,
    },
  };
}

describe.each(storeEngines)('Slack channel with the core on $name', (engine) => {
  let opened: TestStore;
  let agents: ClaudeAgent[];
  let answer: (prompt: string) => string;

  beforeEach(async () => {
    opened = await engine.open();
    agents = [];
    answer = (prompt) => `**Echo**: ${prompt}`;
    slack.calls.length = 0;
    slack.messages.length = 0;
  });
  afterEach(async () => {
    for (const agent of agents) await agent.close();
    await opened.cleanup();
  });

  const useAgent: UseAgent = async (tenantId, agentId, work) => {
    const runtime = new FunctionRuntime(async ({ prompt }) => answer(prompt));
    const agent = new ClaudeAgent({ tenantId, agentId, store: opened.store, runtime });
    agents.push(agent);
    return work(agent);
  };

  function newCore(features: string[], extra: { timeoutMs?: number; botToken?: string } = {}) {
    const channel = createSlackChannel({
      config: {
        type: 'slack',
        signingSecret,
        apiUrl: slack.apiUrl,
        features,
        ...(extra.botToken ? { botToken: extra.botToken } : {}),
      },
      env: {},
      updateIntervalMs: 20,
      createApi: (token, config) =>
        createSlackApi(token, { apiUrl: config.apiUrl, timeoutMs: extra.timeoutMs ?? 5_000 }),
    });
    return new ChannelCore({ store: opened.store, adapters: [channel], useAgent, backoffMs: 1 });
  }

  it('answers a mention in its thread with the workspace’s installed token, as mrkdwn, once', async () => {
    const core = newCore(['threading']);
    await core.bindings.bind({
      channel: 'slack',
      routeKey: 'team:T-ACME',
      tenantId: 'acme',
      agentId: 'desk',
      secret: { botToken: 'xoxb-acme' },
    });
    const event = mention('when do you open?', { channel: 'C-GENERAL' });
    expect((await core.receive('slack', signed(event))).status).toBe(200);
    // Slack retries the same event (X-Slack-Retry-Num: 1): acknowledged, not queued again.
    expect(
      (
        await core.receive('slack', {
          ...signed(event),
          headers: { ...signed(event).headers, 'x-slack-retry-num': '1' },
        })
      ).status,
    ).toBe(200);
    expect(await core.processDue()).toBe(1);
    expect(await core.processDue()).toBe(0);
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]).toMatchObject({
      channel: 'C-GENERAL',
      threadTs: event.event.ts,
      text: '*Echo*: when do you open?',
      token: 'xoxb-acme',
    });
  });

  it('uses the single-workspace botToken when the binding has no installed token', async () => {
    const core = newCore([], { botToken: 'xoxb-single' });
    await core.bindings.bind({
      channel: 'slack',
      routeKey: 'team:T-ACME',
      tenantId: 'acme',
      agentId: 'desk',
    });
    await core.receive('slack', signed(mention('hi')));
    await core.processDue();
    expect(slack.messages.map((message) => message.token)).toEqual(['xoxb-single']);
  });

  it('coalesces progress updates to the latest within the workspace’s update interval', async () => {
    const core = newCore(['progress_tracking', 'threading']);
    const binding = {
      channel: 'slack',
      routeKey: 'team:T-ACME',
      tenantId: 'acme',
      agentId: 'desk',
      secret: { botToken: 'xoxb-acme' },
      details: {},
    };
    const event = mention('hi');
    const message = {
      tenantId: 'acme',
      agentId: 'desk',
      channel: 'slack',
      sender: { id: 'U1', provider: 'slack' },
      conversationKey: 'k',
      text: 'hi',
      attachments: [],
      urgency: 'normal' as const,
      receivedAt: Date.now(),
      providerId: event.event_id,
      routeKey: 'team:T-ACME',
      reply: {
        channel: event.event.channel,
        threadTs: event.event.ts,
        messageTs: event.event.ts,
        teamId: 'T-ACME',
      },
    };
    const delivery = await core.adapter('slack')!.openDelivery(message, {
      binding,
      outbox: core.outbox.forMessage('job-1', 'acme', 'slack'),
      deliveryId: 'job-1',
    });
    delivery.progress?.('Using Read…');
    delivery.progress?.('Using Grep…');
    delivery.progress?.('Using WebSearch…');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(slack.callsOf('chat.update').map((call) => call.params.text)).toEqual(['_Using WebSearch…_']);
    await delivery.finish('All done');
    const updates = slack.callsOf('chat.update');
    expect(updates.map((call) => call.params.text)).toEqual(['_Using WebSearch…_', 'All done']);
    expect(updates[1]!.at - updates[0]!.at).toBeGreaterThanOrEqual(15);
    expect(slack.messages.map((posted) => posted.text)).toEqual(['All done']);
  });

  it('posts a placeholder before the agent answers, and replaces it with the answer', async () => {
    const core = newCore(['progress_tracking', 'threading']);
    await core.bindings.bind({
      channel: 'slack',
      routeKey: 'team:T-ACME',
      tenantId: 'acme',
      agentId: 'desk',
      secret: { botToken: 'xoxb-acme' },
    });
    let placeholderSeen = false;
    answer = (prompt) => {
      placeholderSeen = slack.messages.some((message) => message.text === placeholderText);
      return `done: ${prompt}`;
    };
    await core.receive('slack', signed(mention('book a table')));
    await core.processDue();
    expect(placeholderSeen).toBe(true);
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.text).toBe('done: book a table');
    expect(slack.callsOf('chat.update')).toHaveLength(1);
  });

  it('splits a reply past 40,000 characters into several thread messages, losing nothing', async () => {
    const core = newCore(['progress_tracking', 'threading']);
    await core.bindings.bind({
      channel: 'slack',
      routeKey: 'team:T-ACME',
      tenantId: 'acme',
      agentId: 'desk',
      secret: { botToken: 'xoxb-acme' },
    });
    const long = Array.from({ length: 2_500 }, (_, index) => `Line ${index} of the long answer.`).join('\n');
    answer = () => long;
    const event = mention('everything');
    await core.receive('slack', signed(event));
    await core.processDue();
    expect(slack.messages.length).toBeGreaterThan(1);
    expect(slack.messages.map((message) => message.text).join('')).toBe(long);
    for (const message of slack.messages) {
      expect(message.text.length).toBeLessThanOrEqual(40_000);
      expect(message.threadTs).toBe(event.event.ts);
      for (const block of message.blocks as Array<{ text: { text: string } }>) {
        expect(block.text.text.length).toBeLessThanOrEqual(3_000);
      }
    }
  });

  it('waits out a 429 with Retry-After and still posts once', async () => {
    const core = newCore([]);
    await core.bindings.bind({
      channel: 'slack',
      routeKey: 'team:T-ACME',
      tenantId: 'acme',
      agentId: 'desk',
      secret: { botToken: 'xoxb-acme' },
    });
    slack.rateLimitNext('chat.postMessage', 1, 1);
    await core.receive('slack', signed(mention('hi')));
    await core.processDue();
    expect(slack.callsOf('chat.postMessage')).toHaveLength(2);
    const [limited, accepted] = slack.callsOf('chat.postMessage');
    expect(accepted!.at - limited!.at).toBeGreaterThanOrEqual(950);
    expect(slack.messages).toHaveLength(1);
  });

  it('a post Slack accepted whose answer never came is found by its metadata on retry, not posted again', async () => {
    const core = newCore([], { timeoutMs: 300 });
    await core.bindings.bind({
      channel: 'slack',
      routeKey: 'team:T-ACME',
      tenantId: 'acme',
      agentId: 'desk',
      secret: { botToken: 'xoxb-acme' },
    });
    slack.acceptAndHangNext('chat.postMessage');
    await core.receive('slack', signed(mention('hi')));
    await core.processDue();
    expect(slack.messages).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await core.processDue()).toBe(1);
    expect(slack.messages).toHaveLength(1);
    expect(slack.callsOf('conversations.replies')).toHaveLength(1);
  });

  it('drops an event from a workspace bound to no tenant, and answers nothing', async () => {
    const core = newCore([]);
    await core.bindings.bind({
      channel: 'slack',
      routeKey: 'team:T-ACME',
      tenantId: 'acme',
      agentId: 'desk',
      secret: { botToken: 'xoxb-acme' },
    });
    await core.receive('slack', signed(mention('hi', { team: 'T-STRANGER' })));
    expect(await core.processDue()).toBe(0);
    expect(await core.drops()).toMatchObject([
      { channel: 'slack', routeKey: 'team:T-STRANGER', reason: 'unknown-destination' },
    ]);
    expect(slack.messages).toEqual([]);
  });

  it('refuses a forged or stale request with invalid-signature before parsing it', async () => {
    const core = newCore([]);
    const forged = signed(mention('hi'));
    forged.headers['x-slack-signature'] = signSlackRequest(
      'not-the-secret',
      Number(forged.headers['x-slack-request-timestamp']),
      forged.rawBody,
    );
    await expect(core.receive('slack', forged)).rejects.toMatchObject({ code: 'invalid-signature' });
    await expect(core.receive('slack', signed(mention('hi'), Date.now() - 301_000))).rejects.toMatchObject({
      code: 'invalid-signature',
    });
  });
});

describe('Slack config', () => {
  it('lists every way to supply a missing signing secret, and reads env fallbacks', () => {
    expect(() => createSlackChannel({ config: { type: 'slack' }, env: {} })).toThrow(
      /`signingSecret`.*SLACK_SIGNING_SECRET/,
    );
    const channel = createSlackChannel({
      config: { type: 'slack' },
      env: {
        SLACK_SIGNING_SECRET: 's',
        SLACK_BOT_TOKEN: 'xoxb-env',
        SLACK_API_URL: 'http://127.0.0.1:9/api',
      },
    });
    expect(channel.config).toMatchObject({
      signingSecret: 's',
      botToken: 'xoxb-env',
      apiUrl: 'http://127.0.0.1:9/api/',
      threading: true,
    });
    expect(() =>
      createSlackChannel({ config: { type: 'slack', signingSecret: 's', clientId: '1' }, env: {} }),
    ).toThrow(/SLACK_CLIENT_SECRET/);
  });
});
