import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import nodemailer from 'nodemailer';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../test/support/fake-slack.js';
import { type SmtpRelay, startSmtpRelay } from '../../test/support/smtp-relay.js';
import { startTwilioApiServer, type TwilioApiServer } from '../../test/support/twilio-api-server.js';
import { signSlackRequest } from '../channels/index.js';
import { fixedAgentDirectory } from '../server/index.js';
import { openStore } from '../store/index.js';
import { openServeChannels } from './serve-channels.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(repoRoot, 'bin', 'steward.js');
const signingSecret = 'serve-channels-signing-secret';
const botToken = 'xoxb-serve-channels';
const accountSid = `AC${'b'.repeat(32)}`;
const authToken = 'serve-channels-twilio-token';
const acmeNumber = '+14155550100';
const mailgunKey = 'serve-channels-mailgun-key';

/** Starts the real CLI; resolves once the banner is out, with the server's URL. */
async function startServe(
  configPath: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ child: ChildProcess; url: string; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, 'serve', '--config', configPath, '--port', '0'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no banner in 30 s\n${output}`)), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /^steward listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output);
      if (match && /^ {2}agents: /m.test(output)) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    void exited.then((code) => fail(new Error(`steward exited early (${code})\n${output}`)));
  });
  return { child, url, output: () => output, exited };
}

describe('steward serve with Slack, SMS and email channels (the real CLI, SDK and simulated model; a local Slack, Twilio and SMTP relay)', () => {
  let dir: string;
  let slack: FakeSlack;
  let twilioApi: TwilioApiServer;
  let relay: SmtpRelay;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    slack = await startFakeSlack({ tokens: [botToken] });
    twilioApi = await startTwilioApiServer({ accountSid, authToken });
    relay = await startSmtpRelay();
    dir = mkdtempSync(join(tmpdir(), 'steward-serve-channels-'));
    const entry = pathToFileURL(join(repoRoot, 'src', 'index.ts')).href;
    // The secrets come from the environment fallbacks; the entry only says where Slack's API is.
    writeFileSync(
      join(dir, 'steward.config.ts'),
      [
        `import { defineConfig } from '${entry}';`,
        'export default defineConfig({',
        "  tenantId: 'acme-bakery', agentId: 'front-desk', systemPrompt: 'You answer customers of Acme Bakery.',",
        '  channels: [',
        `    { type: 'slack', apiUrl: ${JSON.stringify(slack.apiUrl)}, features: ['threading'] },`,
        `    { type: 'sms', from: '${acmeNumber}', apiUrl: ${JSON.stringify(twilioApi.url)}, features: ['short_responses'] },`,
        `    { type: 'email', smtp: { host: '127.0.0.1', port: ${relay.port} }, from: 'Acme <orders@acme.example>', address: 'orders@acme.example', inbound: { mailgun: {}, smtp: { port: 0 } } },`,
        '  ],',
        '});',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await slack.close();
    await twilioApi.close();
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds the bot token’s workspace, answers a signed app_mention in its thread and a signed text to the agent’s number and a signed mail to its address, and stops cleanly', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      STEWARD_DATABASE_URL: `sqlite://${join(dir, 'steward.db')}`,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_BOT_TOKEN: botToken,
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      // Origin only: the path is the request's (what Twilio calls behind a proxy).
      STEWARD_SMS_PUBLIC_URL: 'https://steward.example',
      MAILGUN_WEBHOOK_SIGNING_KEY: mailgunKey,
    };
    for (const name of [
      'ANTHROPIC_API_KEY',
      'STEWARD_API_TOKEN',
      'STEWARD_ADMIN_TOKEN',
      'SLACK_API_URL',
      'TWILIO_API_URL',
      'TWILIO_PHONE_NUMBER',
      'STEWARD_SMTP_HOST',
      'STEWARD_EMAIL_FROM',
      'STEWARD_EMAIL_ADDRESS',
    ]) {
      delete env[name];
    }
    const served = await startServe(join(dir, 'steward.config.ts'), env, dir);
    child = served.child;
    const banner =
      /channels: slack \(POST \/channels\/slack\/events; team:T-FAKE → acme-bakery\/front-desk\); sms \(POST \/channels\/twilio\/sms; \+14155550100 → acme-bakery\/front-desk\); email \(SMTP 127\.0\.0\.1:(\d+), POST \/channels\/email\/inbound; orders@acme\.example → acme-bakery\/front-desk\)/.exec(
        served.output(),
      );
    expect(banner, served.output()).not.toBeNull();
    const smtpPort = Number(banner![1]);

    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T-FAKE',
      api_app_id: 'A1',
      event_id: 'Ev-serve-1',
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'app_mention',
        user: 'U-CUSTOMER',
        channel: 'C-ORDERS',
        ts: '1700000100.000100',
        text: '<@U-BOT> When do you open on Sunday?',
      },
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(`${served.url}/channels/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlackRequest(signingSecret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status, served.output()).toBe(200);

    const deadline = Date.now() + 60_000;
    while (slack.messages.length === 0 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(slack.messages, served.output()).toHaveLength(1);
    expect(slack.messages[0]).toMatchObject({
      channel: 'C-ORDERS',
      threadTs: '1700000100.000100',
      token: botToken,
    });
    expect(slack.messages[0]!.text.length).toBeGreaterThan(0);

    // A text to the agent's number: acknowledged by TwiML, answered through Twilio's API from that number.
    const params = {
      MessageSid: `SM${'c'.repeat(32)}`,
      AccountSid: accountSid,
      From: '+14155550199',
      To: acmeNumber,
      Body: 'Do you have gluten-free bread?',
      NumMedia: '0',
    };
    const texted = await fetch(`${served.url}/channels/twilio/sms`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(
          authToken,
          'https://steward.example/channels/twilio/sms',
          params,
        ),
      },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    expect(texted.status, served.output()).toBe(200);
    expect(await texted.text()).toContain('<Response/>');
    while (twilioApi.messages.length === 0 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(twilioApi.messages, served.output()).toHaveLength(1);
    expect(twilioApi.messages[0]).toMatchObject({ from: acmeNumber, to: '+14155550199' });

    // A mail through Mailgun's route webhook: answered through the relay, threaded on the customer's mail.
    const mailToken = 'serve-channels-token-'.padEnd(50, 'x');
    const mailTimestamp = String(Math.floor(Date.now() / 1000));
    const mail = await fetch(`${served.url}/channels/email/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        recipient: 'orders@acme.example',
        sender: 'maria@example.com',
        from: 'Maria <maria@example.com>',
        subject: 'Birthday cake',
        'body-plain': 'Can you write a name on a cake?',
        'message-headers': JSON.stringify([['Message-Id', '<serve-mail-1@example.com>']]),
        timestamp: mailTimestamp,
        token: mailToken,
        signature: createHmac('sha256', mailgunKey)
          .update(mailTimestamp + mailToken)
          .digest('hex'),
      }).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    expect(mail.status, served.output()).toBe(200);
    while (relay.messages.length === 0 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(relay.messages, served.output()).toHaveLength(1);
    expect(relay.messages[0]!.recipients).toEqual(['maria@example.com']);
    expect(relay.messages[0]!.raw.toString('utf8')).toContain('In-Reply-To: <serve-mail-1@example.com>');

    // A mail over SMTP to the listener serve started: acknowledged once queued, answered through the relay.
    const customer = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    const sent = await customer.sendMail({
      from: 'Lee <lee@example.com>',
      to: ['orders@acme.example', 'nobody@acme.example'],
      subject: 'Sourdough',
      messageId: '<serve-smtp-1@example.com>',
      text: 'Is there sourdough tomorrow?',
    });
    expect(sent.accepted).toEqual(['orders@acme.example', 'nobody@acme.example']);
    while (relay.messages.length < 2 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(relay.messages, served.output()).toHaveLength(2);
    expect(relay.messages[1]!.recipients).toEqual(['lee@example.com']);
    expect(relay.messages[1]!.raw.toString('utf8')).toContain('In-Reply-To: <serve-smtp-1@example.com>');

    served.child.kill('SIGTERM');
    const code = await Promise.race([
      served.exited,
      new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 30_000)),
    ]);
    expect(code, served.output()).toBe(0);
    expect(served.output()).toContain('steward stopped');
    expect(served.output()).not.toContain('channel worker:');
    // Stopped with the server: the port takes no more mail.
    await expect(customer.verify()).rejects.toThrow(/ECONNREFUSED/);
  }, 120_000);
});

describe('openServeChannels', () => {
  it('is off without a channels entry, and names the agent and the fix when Slack refuses its bot token', async () => {
    const slack = await startFakeSlack({ tokens: ['xoxb-good'] });
    const dir = mkdtempSync(join(tmpdir(), 'steward-serve-channels-open-'));
    const store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '55'.repeat(32) }, {});
    try {
      const directory = fixedAgentDirectory([]);
      expect(
        await openServeChannels({ configs: [{ agentId: 'desk' }], store, directory, env: {} }),
      ).toBeUndefined();
      const refused = openServeChannels({
        configs: [
          {
            tenantId: 'acme',
            agentId: 'desk',
            channels: [{ type: 'slack', signingSecret: 's', botToken: 'xoxb-revoked', apiUrl: slack.apiUrl }],
          },
        ],
        store,
        directory,
        env: {},
      });
      await expect(refused).rejects.toMatchObject({ code: 'invalid-config' });
      await expect(refused).rejects.toThrow(
        /the Slack channel of acme\/desk: Slack did not accept its bot token \(auth\.test: .*invalid_auth.*SLACK_BOT_TOKEN/,
      );
    } finally {
      await store.close();
      await slack.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an urgency notice without a recipient or through a channel no agent has, naming the agent and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-serve-channels-urgency-'));
    const store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '56'.repeat(32) }, {});
    const sms = {
      type: 'sms' as const,
      accountSid,
      authToken,
      from: acmeNumber,
      publicUrl: 'https://x.example/sms',
    };
    const open = (urgencyNotify: { channel: 'sms' | 'email'; to?: string }) =>
      openServeChannels({
        configs: [
          {
            tenantId: 'acme',
            agentId: 'desk',
            channels: [sms],
            messageHandling: { detectUrgency: true, urgencyNotify },
          },
        ],
        store,
        directory: fixedAgentDirectory([]),
        env: {},
      });
    try {
      await expect(open({ channel: 'sms' })).rejects.toThrow(
        /urgencyNotify of acme\/desk has no recipient: set `to`.*or STEWARD_URGENCY_NOTIFY_TO/,
      );
      await expect(open({ channel: 'email', to: 'owner@acme.example' })).rejects.toThrow(
        /sends through email, but no agent has an entry of type email/,
      );
      expect(await open({ channel: 'sms', to: '+14155550123' })).toBeDefined();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
