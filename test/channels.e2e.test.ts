/**
 * Email and SMS end to end, on both store engines (Slack has its own, slack.e2e.test.ts): a signed
 * webhook over HTTP is acknowledged once queued, a worker answers it with a live agent from the AgentHost
 * through the real Claude Agent SDK and CLI against the local simulated model, and the reply goes out
 * once: by real SMTP over loopback with threading headers, and through Twilio's REST API (the `twilio`
 * package against a local server) within the segment limit. Each channel is bound to its own tenant.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAuditRecords } from '../src/audit/index.js';
import { ChannelCore, countSegments, createEmailChannel, createSmsChannel } from '../src/channels/index.js';
import { AgentHost } from '../src/fleet/index.js';
import { ClaudeAgentSdkRuntime } from '../src/runtime/index.js';
import { createApp, createMetrics, startServer } from '../src/server/index.js';
import { type SimulatedModel, startSimulatedModel } from '../src/simulator/index.js';
import type { StewardStore } from '../src/store/index.js';
import { auditedAgentSource } from './support/audited-agent-source.js';
import { storeEngines, type TestStore } from './support/engines.js';
import { type SmtpRelay, startSmtpRelay } from './support/smtp-relay.js';
import { startTwilioApiServer, type TwilioApiServer } from './support/twilio-api-server.js';

const mailgunKey = 'e2e-mailgun-signing-key';
const accountSid = `AC${'e'.repeat(32)}`;
const authToken = 'e2e-twilio-auth-token';
const bakeryNumber = '+14155550100';
const customerNumber = '+14155550199';
const hoursReply = `We open at **9am** every day. ${'Fresh bread, cakes and pastries are ready early. '.repeat(10)}See [our menu](https://acme.example/menu).`;

let model: SimulatedModel;
let relay: SmtpRelay;
let twilioApi: TwilioApiServer;
const runsDirectory = mkdtempSync(join(tmpdir(), 'steward-runs-'));
const workspacesDirectory = mkdtempSync(join(tmpdir(), 'steward-workspaces-'));

beforeAll(async () => {
  model = await startSimulatedModel({
    respond: (_request, context) =>
      context.lastUserText.includes('open')
        ? { text: hoursReply }
        : { text: `Noted: **${context.lastUserText}**` },
  });
  relay = await startSmtpRelay();
  twilioApi = await startTwilioApiServer({ accountSid, authToken });
});
afterAll(async () => {
  await model.close();
  await relay.close();
  await twilioApi.close();
  rmSync(runsDirectory, { recursive: true, force: true });
  rmSync(workspacesDirectory, { recursive: true, force: true });
});

let tokens = 0;
/** Mailgun's parsed forward() post, signed now with a fresh token (Mailgun's retry gets a new one too). */
function mailgunPost(messageId: string): string {
  tokens++;
  const token = `token-${tokens}-${'x'.repeat(40)}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  return new URLSearchParams({
    recipient: 'orders@bakery.example',
    sender: 'maria.lopez@example.com',
    from: 'Maria Lopez <maria.lopez@example.com>',
    subject: 'Re: Your cake order',
    'body-plain':
      'Chocolate please, call me on 415 555 0142.\r\n\r\nOn Thu, Dec 3, 2026 at 4:12 PM Bakery <orders@bakery.example> wrote:\r\n> Which flavour?\r\n',
    'message-headers': JSON.stringify([
      ['From', 'Maria Lopez <maria.lopez@example.com>'],
      ['To', 'Bakery <orders@bakery.example>'],
      ['Subject', 'Re: Your cake order'],
      ['Message-Id', messageId],
      ['In-Reply-To', '<order-1@bakery.example>'],
      ['References', '<root-0@bakery.example> <order-1@bakery.example>'],
    ]),
    timestamp,
    token,
    signature: createHmac('sha256', mailgunKey)
      .update(timestamp + token)
      .digest('hex'),
  }).toString();
}

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

const audited = (store: StewardStore, tenantId: string) =>
  searchAuditRecords(store, {
    tenantId,
    eventTypes: ['channel-message-received', 'channel-reply-sent'],
  });

describe.each(storeEngines)('email and SMS → reply, real SDK, store on $name', (engine) => {
  let opened: TestStore;
  let runtime: ClaudeAgentSdkRuntime;
  let host: AgentHost;
  let core: ChannelCore;
  let server: Awaited<ReturnType<typeof startServer>>;
  let stopWorker: () => Promise<void>;

  beforeAll(async () => {
    opened = await engine.open();
    const { store } = opened;
    runtime = new ClaudeAgentSdkRuntime({
      baseUrl: model.url,
      simulatedModel: true,
      concurrency: 2,
      runsDirectory,
      workspacesDirectory,
    });
    host = new AgentHost({ source: auditedAgentSource, store, runtime });
    const email = createEmailChannel({
      config: {
        type: 'email',
        smtp: { host: '127.0.0.1', port: relay.port },
        from: 'Bakery <orders@bakery.example>',
        address: 'orders@bakery.example',
        inbound: { mailgun: { signingKey: mailgunKey } },
        features: ['html'],
      },
      env: {},
    });
    const sms = createSmsChannel({
      config: {
        type: 'sms',
        accountSid,
        authToken,
        from: bakeryNumber,
        publicUrl: 'https://steward.example/channels/twilio/sms',
        apiUrl: twilioApi.url,
        features: ['short_responses'],
        maxSegments: 2,
      },
      store,
      env: {},
    });
    core = new ChannelCore({
      store,
      adapters: [email, sms],
      useAgent: (tenantId, agentId, work) => host.use(tenantId, agentId, work),
    });
    await core.bindings.bind({
      channel: 'email',
      routeKey: 'orders@bakery.example',
      tenantId: 'bakery',
      agentId: 'inbox',
    });
    await core.bindings.bind({
      channel: 'sms',
      routeKey: bakeryNumber,
      tenantId: 'florist',
      agentId: 'texts',
    });
    const app = createApp({
      agents: [],
      store,
      metrics: createMetrics({ processMetrics: false }),
      channels: { core },
    });
    server = await startServer({ app, port: 0 });
    stopWorker = core.startWorker({ pollMs: 50 });
  });
  afterAll(async () => {
    await stopWorker();
    await server.close();
    await host.close();
    await runtime.close();
    await opened.cleanup();
  });

  it('answers an email by SMTP with its reply part only, threaded, once, and audits both masked', async () => {
    const messageId = `<e2e-${engine.name}@mail.example>`;
    const post = () =>
      fetch(`${server.url}/channels/email/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: mailgunPost(messageId),
      });
    const first = await post();
    expect(first.status, await first.text()).toBe(200);
    // Mailgun's retry of the same mail (same Message-Id): acknowledged, not queued again.
    expect((await post()).status).toBe(200);

    const ours = () => relay.messages.filter((message) => message.raw.toString('utf8').includes(messageId));
    const sent = await until(ours, (found) => found.length > 0);
    expect(sent).toHaveLength(1);
    const raw = sent[0]!.raw.toString('utf8');
    expect(sent[0]!.recipients).toEqual(['maria.lopez@example.com']);
    expect(raw).toContain(`In-Reply-To: ${messageId}`);
    expect(raw).toMatch(/References: <root-0@bakery\.example> <order-1@bakery\.example>\s+<e2e-/);
    expect(raw).toContain('Subject: Re: Your cake order');
    expect(raw).toContain('text/plain');
    expect(raw).toContain('text/html');
    // The model saw the reply part only (the quoted mail stripped); its markdown became HTML.
    expect(raw).toContain('<p>Noted: <strong>Chocolate please, call me on 415 555 0142.</strong></p>');
    expect(raw).not.toContain('Which flavour');

    const audit = await until(
      () => audited(opened.store, 'bakery'),
      (page) => page.records.length >= 2,
    );
    expect(audit.records.map((record) => record.eventType).sort()).toEqual([
      'channel-message-received',
      'channel-reply-sent',
    ]);
    expect(JSON.stringify(audit.records)).not.toContain('415 555 0142');
    // Nothing of it reached the other tenant.
    expect((await audited(opened.store, 'florist')).records).toHaveLength(0);
  });

  it('answers a text message through the Twilio API within two segments, markdown stripped, once', async () => {
    const params: Record<string, string> = {
      MessageSid: `SM${(engine.name === 'sqlite' ? 'a' : 'b').repeat(32)}`,
      AccountSid: accountSid,
      From: customerNumber,
      To: bakeryNumber,
      Body: 'When do you open on Sunday?',
      NumMedia: '0',
    };
    const signature = twilio.getExpectedTwilioSignature(
      authToken,
      'https://steward.example/channels/twilio/sms',
      params,
    );
    const post = () =>
      fetch(`${server.url}/channels/twilio/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
      });
    const sentBefore = twilioApi.messages.length;
    const ack = await post();
    const ackText = await ack.text();
    expect(ack.status, ackText).toBe(200);
    expect(ackText).toContain('<Response/>');
    expect((await post()).status).toBe(200);

    const replies = await until(
      () => twilioApi.messages.slice(sentBefore).filter((message) => message.body.includes('We open at 9am')),
      (found) => found.length > 0,
    );
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ from: bakeryNumber, to: customerNumber });
    expect(countSegments(replies[0]!.body).segments).toBeLessThanOrEqual(2);
    expect(replies[0]!.body).not.toContain('**');

    const audit = await until(
      () => audited(opened.store, 'florist'),
      (page) => page.records.length >= 2,
    );
    expect(audit.records.map((record) => record.eventType).sort()).toEqual([
      'channel-message-received',
      'channel-reply-sent',
    ]);
    expect((await audited(opened.store, 'bakery')).records.length).toBe(2);
  });
});
