/**
 * Slack end to end, on both store engines: a signed app_mention over HTTP is acknowledged once queued,
 * a worker answers it with a live agent from the AgentHost, through the real Claude Agent SDK and CLI
 * against the local simulated model, and the reply lands in the mention's thread on the fake Slack Web
 * API, once. Both messages are audit records, masked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAuditRecords } from '../src/audit/index.js';
import { ChannelCore, channelStats, createSlackChannel, signSlackRequest } from '../src/channels/index.js';
import { AgentHost } from '../src/fleet/index.js';
import { ClaudeAgentSdkRuntime } from '../src/runtime/index.js';
import { createApp, createMetrics, startServer } from '../src/server/index.js';
import { type SimulatedModel, startSimulatedModel } from '../src/simulator/index.js';
import { auditedAgentSource } from './support/audited-agent-source.js';
import { storeEngines, type TestStore } from './support/engines.js';
import { type FakeSlack, startFakeSlack } from './support/fake-slack.js';

const signingSecret = 'e2e-signing-secret';
let model: SimulatedModel;
let slack: FakeSlack;
const runsDirectory = mkdtempSync(join(tmpdir(), 'steward-runs-'));
const workspacesDirectory = mkdtempSync(join(tmpdir(), 'steward-workspaces-'));

beforeAll(async () => {
  model = await startSimulatedModel({
    respond: (_request, context) => ({ text: `Noted: ${context.lastUserText}` }),
  });
  slack = await startFakeSlack({ tokens: ['xoxb-e2e'] });
});
afterAll(async () => {
  await model.close();
  await slack.close();
  rmSync(runsDirectory, { recursive: true, force: true });
  rmSync(workspacesDirectory, { recursive: true, force: true });
});

describe.each(storeEngines)('Slack mention → reply in thread, real SDK, store on $name', (engine) => {
  let opened: TestStore;
  beforeAll(async () => {
    opened = await engine.open();
  });
  afterAll(async () => {
    await opened.cleanup();
  });

  it('acknowledges, queues, answers through the SDK and replies once in the thread', async () => {
    const { store } = opened;
    const runtime = new ClaudeAgentSdkRuntime({
      baseUrl: model.url,
      simulatedModel: true,
      concurrency: 2,
      runsDirectory,
      workspacesDirectory,
    });
    const host = new AgentHost({ source: auditedAgentSource, store, runtime });
    const channel = createSlackChannel({
      config: {
        type: 'slack',
        signingSecret,
        apiUrl: slack.apiUrl,
        features: ['progress_tracking', 'threading'],
      },
      env: {},
    });
    const core = new ChannelCore({
      store,
      adapters: [channel],
      useAgent: (tenantId, agentId, work) => host.use(tenantId, agentId, work),
    });
    await core.bindings.bind({
      channel: 'slack',
      routeKey: `team:T-${engine.name}`,
      tenantId: 'acme',
      agentId: 'front-desk',
      secret: { botToken: 'xoxb-e2e' },
    });
    const app = createApp({
      agents: [],
      store,
      metrics: createMetrics({ processMetrics: false }),
      channels: { core, slack: channel },
    });
    const server = await startServer({ app, port: 0 });
    // A channel of this engine's own: both engines post to the one fake Slack, and a shared channel let
    // this engine's checks see the other's reply (its answer found before this one's was posted).
    const slackChannel = `C-SUPPORT-${engine.name}`;
    const stopWorker = core.startWorker({ pollMs: 50 });
    try {
      const body = JSON.stringify({
        type: 'event_callback',
        team_id: `T-${engine.name}`,
        event_id: `Ev-e2e-${engine.name}`,
        event: {
          type: 'app_mention',
          user: 'U-CUSTOMER',
          text: '<@UBOT> please email me at jane.doe@example.com about my order',
          ts: '1690000100.000100',
          channel: slackChannel,
        },
      });
      const timestamp = Math.floor(Date.now() / 1000);
      const send = (retry?: string) =>
        fetch(`${server.url}/channels/slack/events`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': signSlackRequest(signingSecret, timestamp, body),
            ...(retry ? { 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' } : {}),
          },
          body,
        });
      const started = performance.now();
      const ack = await send();
      const ackMs = performance.now() - started;
      expect(ack.status).toBe(200);
      expect(ackMs).toBeLessThan(3_000);
      expect((await send('1')).status).toBe(200);

      const deadline = Date.now() + 60_000;
      const reply = () =>
        slack.messages.find(
          (message) => message.channel === slackChannel && message.text.startsWith('Noted:'),
        );
      while (!reply() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(reply()).toMatchObject({
        threadTs: '1690000100.000100',
        text: 'Noted: please email me at jane.doe@example.com about my order',
        token: 'xoxb-e2e',
      });

      // The reply-sent record is appended right after Slack accepted the reply: wait for it, bounded.
      const audited = () =>
        searchAuditRecords(store, {
          tenantId: 'acme',
          eventTypes: ['channel-message-received', 'channel-reply-sent'],
        });
      let audit = await audited();
      while (audit.records.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        audit = await audited();
      }
      expect(audit.records.map((record) => record.eventType).sort()).toEqual([
        'channel-message-received',
        'channel-reply-sent',
      ]);
      // One message in the thread: the placeholder, updated to the answer; the retry queued nothing
      // (checked once the reply is audited, so a second queued message would have had its chance).
      expect(slack.messages.filter((message) => message.channel === slackChannel)).toHaveLength(1);
      expect(
        slack.callsOf('chat.postMessage').filter((call) => call.params.channel === slackChannel),
      ).toHaveLength(1);
      expect(await channelStats(store, 'acme')).toMatchObject([
        { channel: 'slack', messagesIn: 1, replied: 1, pending: 0 },
      ]);
      expect(JSON.stringify(audit.records)).not.toContain('jane.doe@example.com');
      expect(audit.records.map((record) => record.payload.text)).toEqual(
        expect.arrayContaining([
          'please email me at [EMAIL] about my order',
          'Noted: please email me at [EMAIL] about my order',
        ]),
      );
    } finally {
      await stopWorker();
      await server.close();
      await host.close();
      await runtime.close();
    }
  });
});
