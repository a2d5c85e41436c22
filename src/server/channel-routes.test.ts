import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelApp } from '../../test/support/channel-app.js';
import { type FakeSlack, startFakeSlack } from '../../test/support/fake-slack.js';
import { channelAgents } from '../../test/support/recording-agents.js';
import {
  type ChannelCore,
  createSlackChannel,
  installLinkQuery,
  type SlackChannel,
  signSlackRequest,
} from '../channels/index.js';
import { openStore, type StewardStore } from '../store/index.js';
import type { StewardApp } from './app.js';

const signingSecret = 'routes-signing-secret';
let slack: FakeSlack;
let store: StewardStore;
let dir: string;
let app: StewardApp;
let core: ChannelCore;
let channel: SlackChannel;
let answered: string[];
let closeApp: () => Promise<void>;
const agents = channelAgents({
  store: () => store,
  answer: async ({ prompt }) => {
    answered.push(prompt);
    return `re: ${prompt}`;
  },
});

beforeAll(async () => {
  slack = await startFakeSlack({ tokens: ['xoxb-acme'] });
  dir = mkdtempSync(join(tmpdir(), 'steward-channel-routes-'));
  store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '44'.repeat(32) }, {});
  answered = [];
  channel = createSlackChannel({
    config: {
      type: 'slack',
      signingSecret,
      clientId: '111.222',
      clientSecret: 'client-secret',
      apiUrl: slack.apiUrl,
      redirectUrl: 'https://steward.example/channels/slack/oauth/callback',
    },
    env: {},
  });
  // The tenant routes answer for tenants the app serves: acme's agent (the bindings below are acme's).
  ({
    core,
    app,
    close: closeApp,
  } = channelApp({
    store,
    adapters: [channel],
    useAgent: agents.useAgent,
    served: { tenantId: 'acme', agentId: 'front-desk' },
    core: { backoffMs: 2_000 },
    channels: { slack: channel, maxBodyBytes: 64 * 1024 },
  }));
});
afterEach(() => agents.reset());
afterAll(async () => {
  await closeApp();
  await store.close();
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

function post(body: string | Uint8Array, headers: Record<string, string> = {}, sign = true, at = Date.now()) {
  const timestamp = Math.floor(at / 1000);
  const signature: Record<string, string> = sign
    ? {
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlackRequest(signingSecret, timestamp, body),
      }
    : {};
  return app.request('/channels/slack/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signature, ...headers },
    body,
  });
}

let sequence = 0;
const mention = (text: string, team = 'T-ACME') => {
  sequence++;
  return JSON.stringify({
    type: 'event_callback',
    team_id: team,
    event_id: `Ev-routes-${sequence}`,
    event: {
      type: 'app_mention',
      user: 'U1',
      text,
      ts: `1690000001.${String(sequence).padStart(6, '0')}`,
      channel: 'C1',
    },
  });
};

describe('POST /channels/slack/events', () => {
  it('answers url_verification with the challenge, without an API key', async () => {
    const response = await post(JSON.stringify({ type: 'url_verification', challenge: 'c-123' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: 'c-123' });
  });

  it('acknowledges a signed mention once it is queued, and the worker answers it in the thread', async () => {
    await core.bindings.bind({
      channel: 'slack',
      routeKey: 'team:T-ACME',
      tenantId: 'acme',
      agentId: 'desk',
      secret: { botToken: 'xoxb-acme' },
    });
    const body = mention('<@UBOT> open on sunday?');
    const response = await post(body);
    expect(response.status).toBe(200);
    const queued = await sql<{
      count: number;
    }>`select count(*) as count from channel_inbound where status = 'queued'`.execute(store.db);
    expect(Number(queued.rows[0]?.count)).toBe(1);
    expect(await core.processDue()).toBe(1);
    expect(slack.messages.at(-1)).toMatchObject({ channel: 'C1', text: 're: open on sunday?' });
  });

  it('answers 401 to a forged, stale or unsigned request, 413 to an oversize body, 400 to a signed body that is not JSON', async () => {
    const body = mention('hi');
    expect((await post(body, { 'x-slack-signature': 'v0=00' })).status).toBe(401);
    expect((await post(body, {}, true, Date.now() - 10 * 60_000)).status).toBe(401);
    expect((await post(body, {}, false)).status).toBe(401);
    expect((await post('x'.repeat(70 * 1024))).status).toBe(413);
    const malformed = await post('{"type": "event_callback", ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'invalid-request' } });
  });

  it('fuzz: nothing crashes, forged bodies are 401, signed garbage is 200 or 400, and nothing is answered twice', async () => {
    const before = answered.length;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.json(), fc.constantFrom(mention('again?'), '{}', '[]', 'null')),
        fc.boolean(),
        async (body, signed) => {
          const response = await post(body, {}, signed);
          if (!signed) expect(response.status).toBe(401);
          else expect([200, 400]).toContain(response.status);
        },
      ),
      { numRuns: 150 },
    );
    // The one real mention fast-check may have sent many times is answered once.
    while ((await core.processDue(8)) > 0) {}
    expect(answered.length - before).toBeLessThanOrEqual(1);
    expect(new Set(slack.messages.map((message) => message.ts)).size).toBe(slack.messages.length);
  });
});

describe('Slack OAuth v2 install', () => {
  it('sends the browser to Slack with a signed state, and the callback stores the workspace’s token encrypted', async () => {
    slack.installations.set('code-1', {
      access_token: 'xoxb-installed-secret',
      token_type: 'bot',
      bot_user_id: 'U-BOT2',
      app_id: 'A1',
      team: { id: 'T-GLOBEX', name: 'Globex' },
      enterprise: null,
      is_enterprise_install: false,
    });
    const link = installLinkQuery(channel.config, {
      tenantId: 'globex',
      agentId: 'helper',
      expiresAt: Date.now() + 60_000,
    });
    const install = await app.request(`/channels/slack/install?${link}`);
    expect(install.status).toBe(302);
    const location = new URL(install.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(location.searchParams.get('client_id')).toBe('111.222');
    expect(location.searchParams.get('scope')).toContain('app_mentions:read');
    const state = location.searchParams.get('state')!;
    const cookie = install.headers.get('set-cookie')!.split(';')[0]!;

    const otherBrowser = await app.request(
      `/channels/slack/oauth/callback?code=code-1&state=${encodeURIComponent(state)}`,
    );
    expect(otherBrowser.status).toBe(401);
    const tampered = await app.request(
      `/channels/slack/oauth/callback?code=code-1&state=${encodeURIComponent(`x${state}`)}`,
      { headers: { cookie } },
    );
    expect(tampered.status).toBe(401);

    const callback = await app.request(
      `/channels/slack/oauth/callback?code=code-1&state=${encodeURIComponent(state)}`,
      { headers: { cookie } },
    );
    expect(callback.status).toBe(200);
    expect(await callback.text()).toContain('Globex');
    const binding = await core.bindings.resolve('slack', 'team:T-GLOBEX');
    expect(binding).toMatchObject({
      tenantId: 'globex',
      agentId: 'helper',
      secret: { botToken: 'xoxb-installed-secret' },
    });
    const raw = await sql<{
      secret: string;
      details: string;
    }>`select secret, details from channel_bindings where route_key = 'team:T-GLOBEX'`.execute(store.db);
    expect(JSON.stringify(raw.rows)).not.toContain('xoxb-installed-secret');
    expect(JSON.stringify(await core.bindings.list('globex'))).not.toContain('xoxb');
  });

  it('refuses an unsigned, altered or expired install link', async () => {
    const expired = installLinkQuery(channel.config, {
      tenantId: 'globex',
      agentId: 'helper',
      expiresAt: Date.now() - 1,
    });
    expect((await app.request(`/channels/slack/install?${expired}`)).status).toBe(401);
    expect((await app.request('/channels/slack/install')).status).toBe(401);
    const valid = new URLSearchParams(
      installLinkQuery(channel.config, {
        tenantId: 'globex',
        agentId: 'helper',
        expiresAt: Date.now() + 60_000,
      }),
    ).get('link')!;
    const [payload, signature] = valid.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ t: 'acme', a: 'desk', e: Date.now() + 60_000 }),
    ).toString('base64url');
    expect((await app.request(`/channels/slack/install?link=${forgedPayload}.${signature}`)).status).toBe(
      401,
    );
    expect(payload).toBeDefined();
  });
});

describe('GET /api/tenants/:tenantId/channels', () => {
  it('reports the tenant’s messages in and out, reply latency and urgency mix, and its bindings without secrets', async () => {
    const response = await app.request('/api/tenants/acme/channels');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      tenantId: string;
      channels: Array<Record<string, unknown>>;
      bindings: Array<Record<string, unknown>>;
    };
    expect(body.tenantId).toBe('acme');
    const [slackStats] = body.channels;
    expect(slackStats).toMatchObject({ channel: 'slack', failed: 0 });
    expect(slackStats?.messagesIn).toBeGreaterThanOrEqual(1);
    expect(slackStats?.replied).toBeGreaterThanOrEqual(1);
    expect(slackStats?.partsSent).toBeGreaterThanOrEqual(1);
    expect(slackStats?.replyLatencyMs).toMatchObject({ p50: expect.any(Number), p95: expect.any(Number) });
    expect((slackStats?.urgency as Record<string, number> | undefined)?.normal).toBe(slackStats?.messagesIn);
    expect(body.bindings).toMatchObject([{ channel: 'slack', routeKey: 'team:T-ACME', hasSecret: true }]);
    expect(JSON.stringify(body)).not.toContain('xoxb');
    // A tenant this app does not serve answers like every tenant route: 404.
    const nobody = await app.request('/api/tenants/nobody/channels');
    expect(nobody.status).toBe(404);
    expect(await nobody.json()).toMatchObject({ error: { code: 'not-found' } });
    expect((await app.request('/api/tenants/acme/channels?since=yesterday')).status).toBe(400);
  });
});
