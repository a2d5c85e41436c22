import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import { FunctionRuntime, type RuntimeFunction } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';
import { openStore } from '../store/index.js';
import { createApp } from './app.js';
import { createMetrics } from './metrics.js';
import { type RunningServer, startServer } from './serve.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function serveOne(
  answer: RuntimeFunction,
  drainTimeoutMs?: number,
): Promise<{ server: RunningServer; store: StewardStore }> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-serve-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '33'.repeat(32) }, {});
  const runtime = new FunctionRuntime(answer);
  const agent = new ClaudeAgent({ tenantId: 'acme', agentId: 'front-desk', store, runtime });
  const app = createApp({
    agents: [agent],
    store,
    runtime,
    metrics: createMetrics({ processMetrics: false }),
  });
  const server = await startServer({ app, port: 0, ...(drainTimeoutMs ? { drainTimeoutMs } : {}) });
  cleanups.push(() => server.close());
  return { server, store };
}

/** POSTs a message; `destroyAfterMs` hangs up early, as a browser tab closing would. */
function postMessage(
  url: string,
  text: string,
  destroyAfterMs?: number,
): Promise<{ status: number; body: string } | 'hung-up'> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/api/agents/front-desk/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', (error) => (destroyAfterMs === undefined ? reject(error) : resolve('hung-up')));
    request.setTimeout(15_000, () => request.destroy(new Error('timed out')));
    request.end(JSON.stringify({ text }));
    if (destroyAfterMs !== undefined) setTimeout(() => request.destroy(), destroyAfterMs);
  });
}

/** Resolves when the run's abort signal fires, and rejects the run as aborted. */
function waitForAbort(onAborted: () => void): RuntimeFunction {
  return (request) =>
    new Promise((_, reject) => {
      request.signal?.addEventListener('abort', () => {
        onAborted();
        reject(new StewardError('aborted', 'the run was aborted'));
      });
    });
}

describe('startServer', () => {
  it('binds a free port and reports the URL', async () => {
    const { server } = await serveOne(async () => 'hi');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const health = await fetch(`${server.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('aborts the handle when the client disconnects', async () => {
    let aborted!: () => void;
    const sawAbort = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    const { server, store } = await serveOne(waitForAbort(() => aborted()));
    expect(await postMessage(server.url, 'I will leave', 200)).toBe('hung-up');
    await sawAbort;
    // The aborted interaction is still recorded.
    await expect
      .poll(async () => (await store.interactions.list()).items[0]?.errorCode, { timeout: 5000 })
      .toBe('aborted');
  });

  it('on close, waits for in-flight requests, then closes the store', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const { server, store } = await serveOne(async (request) => {
      started();
      await gate;
      return `late answer to ${request.prompt}`;
    });
    const reply = postMessage(server.url, 'slow one');
    await running;
    const closed = server.close();
    let closedYet = false;
    void closed.then(() => {
      closedYet = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closedYet).toBe(false);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    release();
    const answered = await reply;
    expect(answered).toMatchObject({ status: 200 });
    expect(JSON.parse((answered as { body: string }).body).text).toBe('late answer to slow one');
    await closed;
    await expect(store.interactions.list()).rejects.toThrow();
  });

  it('aborts requests still running at the drain deadline', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let abortedRuns = 0;
    const { server } = await serveOne((request) => {
      started();
      return waitForAbort(() => abortedRuns++)(request);
    }, 100);
    const reply = postMessage(server.url, 'never answered');
    await running;
    const closedAt = Date.now();
    await server.close();
    expect(Date.now() - closedAt).toBeLessThan(5000);
    expect(abortedRuns).toBe(1);
    const answered = await reply;
    expect(answered).toMatchObject({ status: 499 });
    expect(JSON.parse((answered as { body: string }).body).error.code).toBe('aborted');
  });
});
