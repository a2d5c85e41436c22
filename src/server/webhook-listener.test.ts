import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelCore, createSlackChannel, signSlackRequest } from '../channels/index.js';
import { openStore, type StewardStore } from '../store/index.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';
import { type RunningServer, startServer } from './serve.js';

const signingSecret = 'listener-signing-secret';
let store: StewardStore;
let dir: string;
let app: StewardApp;
let core: ChannelCore;
let server: RunningServer;
/** Paths Hono's fetch was handed by the server. */
const throughHono: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-webhook-listener-'));
  store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '55'.repeat(32) }, {});
  const slack = createSlackChannel({
    config: { type: 'slack', signingSecret, botToken: 'xoxb-acme', apiUrl: 'http://127.0.0.1:9' },
    env: {},
  });
  core = new ChannelCore({
    store,
    adapters: [slack],
    useAgent: async () => {
      throw new Error('no agent in this test');
    },
  });
  await core.bindings.bind({ channel: 'slack', routeKey: 'team:T-ACME', tenantId: 'acme', agentId: 'desk' });
  app = createApp({
    agents: [],
    store,
    metrics: createMetrics({ processMetrics: false }),
    channels: { core, slack, maxBodyBytes: 4 * 1024 },
  });
  const honoFetch = app.fetch;
  app.fetch = (request, ...rest) => {
    throughHono.push(new URL(request.url).pathname);
    return honoFetch(request, ...rest);
  };
  server = await startServer({ app, port: 0 });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

let sequence = 0;
const mention = (text: string) => {
  sequence++;
  return JSON.stringify({
    type: 'event_callback',
    team_id: 'T-ACME',
    event_id: `Ev-listener-${sequence}`,
    event: { type: 'app_mention', user: 'U1', text, ts: `1690000002.${sequence}`, channel: 'C1' },
  });
};

const signed = (body: string, at = Date.now()): Record<string, string> => {
  const timestamp = Math.floor(at / 1000);
  return {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signSlackRequest(signingSecret, timestamp, body),
  };
};

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** The same request over a socket (the server) and through `app.request` (Hono's route). */
async function both(path: string, body: string, headers: Record<string, string>): Promise<[Answer, Answer]> {
  const overSocket = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
  const inProcess = await app.request(path, { method: 'POST', headers, body });
  const read = async (response: Response): Promise<Answer> => ({
    status: response.status,
    contentType: response.headers.get('content-type')?.toLowerCase(),
    body: await response.text(),
  });
  return [await read(overSocket), await read(inProcess)];
}

async function queuedCount(): Promise<number> {
  const result = await sql<{ count: number }>`select count(*) as count from channel_inbound`.execute(
    store.db,
  );
  return Number(result.rows[0]?.count);
}

describe('channel webhooks under startServer', () => {
  it('are served before Hono; every other route still goes through it', async () => {
    throughHono.length = 0;
    const body = mention('<@UBOT> open today?');
    const response = await fetch(`${server.url}/channels/slack/events?retry=1`, {
      method: 'POST',
      headers: signed(body),
      body,
    });
    expect(response.status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(throughHono).toEqual(['/healthz']);
  });

  it('answer as the Hono route does: the challenge, 200 once queued (a retry not queued twice), 401, 400', async () => {
    const challenge = JSON.stringify({ type: 'url_verification', challenge: 'c-9' });
    const [socketChallenge, honoChallenge] = await both(
      '/channels/slack/events',
      challenge,
      signed(challenge),
    );
    expect(socketChallenge).toEqual(honoChallenge);
    expect(JSON.parse(socketChallenge.body)).toEqual({ challenge: 'c-9' });

    const before = await queuedCount();
    const body = mention('<@UBOT> are you open?');
    const [queued, retried] = await both('/channels/slack/events', body, signed(body));
    expect(queued).toEqual(retried);
    expect(queued.status).toBe(200);
    expect(await queuedCount()).toBe(before + 1);

    const stale = signed(body, Date.now() - 10 * 60_000);
    const [socketStale, honoStale] = await both('/channels/slack/events', body, stale);
    expect(socketStale).toEqual(honoStale);
    expect(socketStale.status).toBe(401);
    expect(JSON.parse(socketStale.body)).toMatchObject({ error: { code: 'invalid-signature' } });

    const malformed = '{"type": "event_callback", ';
    const [socketMalformed, honoMalformed] = await both(
      '/channels/slack/events',
      malformed,
      signed(malformed),
    );
    expect(socketMalformed).toEqual(honoMalformed);
    expect(socketMalformed.status).toBe(400);
  });

  it('answer 413 to a body over the limit, by its Content-Length or counted as a chunked body arrives', async () => {
    const large = mention('x'.repeat(5 * 1024));
    const [socketLarge, honoLarge] = await both('/channels/slack/events', large, signed(large));
    expect(socketLarge).toEqual(honoLarge);
    expect(socketLarge.status).toBe(413);

    // Chunked (no Content-Length): cut off once past the limit.
    const chunked = await new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(
        `${server.url}/channels/slack/events`,
        { method: 'POST', headers: { ...signed(large), 'transfer-encoding': 'chunked' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      for (let offset = 0; offset < large.length; offset += 1024)
        outgoing.write(large.slice(offset, offset + 1024));
      outgoing.end();
    });
    expect(chunked).toBe(413);
  });

  it('count in the request metric under their route', async () => {
    const body = mention('<@UBOT> counted?');
    expect(
      (await fetch(`${server.url}/channels/slack/events`, { method: 'POST', headers: signed(body), body }))
        .status,
    ).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/route="\/channels\/slack\/events",status="200"\} [1-9]/);
  });
});
