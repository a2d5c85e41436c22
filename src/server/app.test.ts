import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../agent/index.js';
import type { Reply } from '../pipeline/index.js';
import { FunctionRuntime, type RuntimeFunction } from '../runtime/index.js';
import type { InteractionRecord } from '../store/index.js';
import { openStore } from '../store/index.js';
import { type AppOptions, createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';
import { startServer } from './serve.js';

interface Harness {
  app: StewardApp;
  /** The temporary directory holding the store. */
  dir: string;
  agents: ClaudeAgent[];
  logged: string[];
  send(agentId: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function harness(
  options: { answer?: RuntimeFunction } & Partial<Pick<AppOptions, 'apiToken' | 'bodyLimitBytes'>> = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-app-'));
  const store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '22'.repeat(32) }, {});
  const runtime = new FunctionRuntime(options.answer ?? (async (request) => `echo: ${request.prompt}`));
  let clock = 1_700_000_000_000;
  const now = () => clock++;
  const agents = [
    new ClaudeAgent({ tenantId: 'acme', agentId: 'front-desk', store, runtime, now }),
    new ClaudeAgent({ tenantId: 'globex', agentId: 'back-office', store, runtime, now }),
  ];
  const logged: string[] = [];
  const app = createApp({
    agents,
    store,
    runtime,
    metrics: createMetrics({ processMetrics: false }),
    logError: (line, error) => logged.push(`${line} ${String(error)}`),
    ...(options.apiToken ? { apiToken: options.apiToken } : {}),
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
  });
  cleanups.push(async () => {
    await app.lifecycle.closeResources();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    app,
    dir,
    agents,
    logged,
    send: async (agentId, body, headers = {}) =>
      await app.request(`/api/agents/${agentId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}

async function errorOf(
  response: Response,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  const body = (await response.json()) as {
    error: { code: string; message: string; details: Record<string, unknown> };
  };
  return body.error;
}

describe('the local web-chat channel', () => {
  it('answers a message and lists the interaction afterwards, with filters and paging', async () => {
    const { app, send } = await harness();
    const response = await send('front-desk', { text: 'When do you open?', senderId: 'web-visitor' });
    expect(response.status).toBe(200);
    const reply = (await response.json()) as Reply;
    expect(reply).toMatchObject({ text: 'echo: When do you open?', tier: 'intelligent', outcome: 'success' });
    expect(reply.simulatedModel).toBe(true);

    // The conversation belongs to its sender: continuing it names the sender again.
    await send('front-desk', {
      text: 'second',
      conversationId: reply.conversationId,
      senderId: 'web-visitor',
    });
    await send('back-office', { text: 'third' });

    const list = async (query = '') => {
      const response = await app.request(`/api/interactions${query}`);
      expect(response.status, query).toBe(200);
      return (await response.json()) as { items: InteractionRecord[]; nextCursor: string | null };
    };
    const texts = (page: { items: InteractionRecord[] }) => page.items.map((item) => item.requestText);

    const all = await list();
    expect(texts(all)).toEqual(['third', 'second', 'When do you open?']);
    expect(all.items.every((item) => item.channel === 'web')).toBe(true);
    expect(all.items[2]!.id).toBe(reply.interactionId);

    expect(texts(await list('?agentId=back-office'))).toEqual(['third']);
    expect(texts(await list('?tenantId=acme'))).toEqual(['second', 'When do you open?']);
    const [newest, middle] = all.items.map((item) => item.createdAt);
    expect(texts(await list(`?from=${middle}&to=${newest}`))).toEqual(['second']);
    const iso = new Date(newest! + 1).toISOString();
    expect(await list(`?from=2020-01-01&to=${iso}`)).toMatchObject({ items: { length: 3 } });

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const body = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...texts(body));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['third', 'second', 'When do you open?']);
  });

  it('rejects bad query parameters with 400 naming the parameter', async () => {
    const { app } = await harness();
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['from=yesterday', 'from'],
      ['to=2024-13-45', 'to'],
      ['from=2024-02-30', 'from'],
      ['to=2023-02-29T10:00:00Z', 'to'],
      ['from=2024-06-31', 'from'],
      ['to=2024-05-01T24:00Z', 'to'],
      ['from=9999999999999999', 'from'],
      ['colour=blue', 'colour'],
      ['agentId=%20bad', 'agentId'],
      ['agentId=a&agentId=b', 'agentId'],
      ['cursor=forged', undefined],
    ] as const) {
      const response = await app.request(`/api/interactions?${query}`);
      expect(response.status, query).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe('invalid-request');
      if (field) expect(error.details.field, query).toBe(field);
    }
  });

  it('describes the agents and their stages', async () => {
    const { app, dir } = await harness();
    const response = await app.request('/api/agents');
    expect(response.status).toBe(200);
    const text = await response.text();
    // The store's engine, never where it lives (a filesystem path or a database URL).
    expect(text).not.toContain(dir);
    expect(text).not.toContain('steward.db');
    const { agents } = JSON.parse(text) as {
      agents: Array<{
        agentId: string;
        tenantId: string;
        store: Record<string, unknown>;
        stages: Array<{ name: string; status: string }>;
      }>;
    };
    expect(agents[0]!.store).toEqual({ engine: 'sqlite' });
    expect(agents.map((agent) => agent.agentId)).toEqual(['front-desk', 'back-office']);
    expect(agents[0]!.stages).toContainEqual(expect.objectContaining({ name: 'intelligent', status: 'on' }));
    expect(agents[0]!.stages.map((stage) => stage.name)).toContain('audit');
  });

  it('answers 404 for an unknown agent and an unknown route', async () => {
    const { app, send } = await harness();
    const response = await send('nobody', { text: 'hi' });
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toEqual({
      code: 'not-found',
      message: 'there is no agent "nobody" on this server',
      details: { agentId: 'nobody' },
    });
    const route = await app.request('/api/nothing-here');
    expect(route.status).toBe(404);
    expect((await errorOf(route)).code).toBe('not-found');
  });

  it('names no other agent in a 404 and quotes at most a short, sanitised prefix of the id', async () => {
    const { app } = await harness();
    const long = `evil${'x'.repeat(296)}`;
    const injected = encodeURIComponent('ab"c\n<script>');
    for (const [method, path] of [
      ['POST', '/messages'],
      ['GET', '/trust'],
      ['GET', '/trust/history'],
      ['GET', '/budget'],
      ['GET', '/patterns'],
      ['DELETE', '/cache'],
    ] as const) {
      for (const [agentId, shown] of [
        [long, `evil${'x'.repeat(28)}…`],
        [injected, 'ab…'],
      ] as const) {
        const response = await app.request(`/api/agents/${agentId}${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(method === 'POST' ? { body: '{"text":"hi"}' } : {}),
        });
        const text = await response.text();
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(text).not.toContain('front-desk');
        expect(text).not.toContain('back-office');
        expect(text).not.toContain('x'.repeat(40));
        expect(text).not.toContain('script');
        expect(JSON.parse(text).error.details.agentId, `${method} ${path}`).toBe(shown);
      }
    }
    const interaction = await app.request(`/api/interactions/${'y'.repeat(300)}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"rating":"positive"}',
    });
    expect(interaction.status).toBe(404);
    expect(await interaction.text()).not.toContain('y'.repeat(40));
  });

  it('rejects malformed JSON, missing, extra and wrong-typed fields with 400 naming the field', async () => {
    const { send } = await harness();
    const malformed = await send('front-desk', '{"text": "hi"');
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe('invalid-request');

    for (const [body, field] of [
      [{}, 'text'],
      [{ text: 42 }, 'text'],
      [{ text: 'hi', conversationId: 7 }, 'conversationId'],
      [{ text: 'hi', channel: 'slack' }, 'channel'],
      // Two unknown fields are two issues, not one field "decision.actor".
      [{ text: 'hi', decision: 'approve', actor: 'me' }, 'decision'],
      [[], ''],
      ['null', ''],
    ] as const) {
      const response = await send('front-desk', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe('invalid-request');
      expect(error.details.field, JSON.stringify(body)).toBe(field);
    }
    // Checked by the agent after the shape: an empty text after normalization.
    const empty = await send('front-desk', { text: '   ' });
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).details.field).toBe('text');
  });

  it('answers 415 when the body is not declared as JSON', async () => {
    const { send } = await harness();
    const response = await send('front-desk', 'text=hi', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(response.status).toBe(415);
    expect((await errorOf(response)).code).toBe('unsupported-media-type');
    const withCharset = await send(
      'front-desk',
      { text: 'hi' },
      { 'content-type': 'application/json; charset=utf-8' },
    );
    expect(withCharset.status).toBe(200);
  });

  it('answers 413 for an oversize body, with and without Content-Length', async () => {
    const { app, send } = await harness({ bodyLimitBytes: 1024 });
    const big = JSON.stringify({ text: 'x'.repeat(2000) });
    const declared = await send('front-desk', big, { 'content-length': String(Buffer.byteLength(big)) });
    expect(declared.status).toBe(413);
    expect((await errorOf(declared)).code).toBe('payload-too-large');

    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 4; index++) controller.enqueue(encoder.encode('x'.repeat(500)));
        controller.close();
      },
    });
    const streamed = await app.request('/api/agents/front-desk/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('answers 500 internal without a stack for an unexpected failure, and logs it', async () => {
    const { agents, send, logged } = await harness();
    agents[0]!.events.on('message-received', () => {
      throw new Error('secret detail from a subscriber');
    });
    const response = await send('front-desk', { text: 'hi' });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe('internal');
    expect(text).not.toContain('secret detail');
    expect(text).not.toContain('.ts:');
    expect(logged.join('\n')).toContain('secret detail from a subscriber');
    // The server keeps serving.
    expect((await send('back-office', { text: 'still here?' })).status).toBe(200);
  });
});

describe('auth, health and metrics', () => {
  it('requires the bearer token on /api/* when apiToken is set, but not on /healthz and /metrics', async () => {
    const { app, send } = await harness({ apiToken: 's3cret-token' });
    const missing = await send('front-desk', { text: 'hi' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect((await errorOf(missing)).message).toContain('STEWARD_ADMIN_TOKEN');
    expect((await send('front-desk', { text: 'hi' }, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await app.request('/api/agents')).status).toBe(401);
    expect((await send('front-desk', { text: 'hi' }, { authorization: 'Bearer s3cret-token' })).status).toBe(
      200,
    );
    expect(
      (await app.request('/api/agents', { headers: { authorization: 'bearer s3cret-token' } })).status,
    ).toBe(200);
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/metrics')).status).toBe(200);
  });

  it('exposes interaction, HTTP and runtime metrics in Prometheus text', async () => {
    const { app, send } = await harness({ answer: async () => ({ text: 'paid answer', costUsd: 0.25 }) });
    expect((await send('front-desk', { text: 'hi' })).status).toBe(200);
    await send('nobody', { text: 'hi' });
    const response = await app.request('/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain(
      'steward_interactions_total{agent="front-desk",tier="intelligent",outcome="success"} 1',
    );
    expect(text).toContain('steward_interaction_cost_usd_total{agent="front-desk",tier="intelligent"} 0.25');
    expect(text).toContain(
      'steward_interaction_duration_seconds_count{agent="front-desk",tier="intelligent"} 1',
    );
    expect(text).toContain(
      'steward_http_requests_total{method="POST",route="/api/agents/:agentId/messages",status="200"} 1',
    );
    expect(text).toContain(
      'steward_http_requests_total{method="POST",route="/api/agents/:agentId/messages",status="404"} 1',
    );
    expect(text).toContain('steward_runtime_running{runtime="function"} 0');
    expect(text).toContain('steward_runtime_queue_depth{runtime="function"} 0');
    expect(text).toContain('steward_runtime_concurrency_limit');
    expect(text).toContain('steward_runtime_queue_wait_seconds_bucket');
  });

  it('reports ok on /healthz, and 503 once draining', async () => {
    const { app, send } = await harness();
    const healthy = await app.request('/healthz');
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toEqual({ status: 'ok' });
    app.lifecycle.startDraining();
    const draining = await app.request('/healthz');
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({ status: 'shutting-down' });
    const refused = await send('front-desk', { text: 'hi' });
    expect(refused.status).toBe(503);
    expect((await errorOf(refused)).code).toBe('shutting-down');
  });
});

describe('over a real socket', () => {
  it('cuts off a chunked body without Content-Length at the limit with 413, and accepts a small one', async () => {
    const { app } = await harness({ bodyLimitBytes: 4096 });
    const server = await startServer({ app, port: 0 });
    cleanups.push(() => server.close());

    const post = (chunks: string[]) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(`${server.url}/api/agents/front-desk/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        });
        request.on('response', (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        });
        request.on('error', reject);
        request.setTimeout(10_000, () => request.destroy(new Error('timed out')));
        for (const chunk of chunks) request.write(chunk);
        request.end();
      });

    const oversize = await post(['{"text":"', ...Array.from({ length: 20 }, () => 'y'.repeat(1000)), '"}']);
    expect(oversize.status).toBe(413);
    expect(JSON.parse(oversize.body).error.code).toBe('payload-too-large');

    const small = await post(['{"text":', '"hello over', ' a socket"}']);
    expect(small.status).toBe(200);
    expect(JSON.parse(small.body).text).toBe('echo: hello over a socket');
  });
});
