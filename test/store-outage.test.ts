/**
 * A PostgreSQL outage under a running app, on a server of this file's own: while the database is down,
 * `/readyz` says so, API routes answer 503 `store-unavailable` naming no host, port or driver, `/healthz`
 * stays 200 and nothing crashes the process; once the server is back the same app serves again.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../src/agent/index.js';
import { FunctionRuntime } from '../src/runtime/index.js';
import { createApp, createMetrics, type StewardApp } from '../src/server/index.js';
import { openStore, type StewardStore } from '../src/store/index.js';
import { ensureDatabase, type RestartableServer, startRestartableServer } from './setup/postgres.js';

const DATABASE = 'outage_db';

let server: RestartableServer;
let store: StewardStore;
let app: StewardApp;
let port: string;
const logged: Array<{ line: string; error: unknown }> = [];
const processErrors: unknown[] = [];
const onProcessError = (error: unknown) => processErrors.push(error);

beforeAll(async () => {
  process.on('unhandledRejection', onProcessError);
  process.on('uncaughtException', onProcessError);
  server = await startRestartableServer();
  port = new URL(server.adminUrl).port;
  const url = await ensureDatabase(server.adminUrl, DATABASE);
  store = await openStore({ url, poolSize: 4, encryptionKey: '33'.repeat(32) }, {});
  const runtime = new FunctionRuntime(async (request) => `echo: ${request.prompt}`);
  const agent = new ClaudeAgent({
    tenantId: 'acme',
    agentId: 'front-desk',
    store,
    runtime,
    trust: { initial: 0.3, permissions: { 0.1: ['Read'], 0.3: ['Read'] }, minSamples: 1 },
    audit: { level: 'detailed' },
  });
  app = createApp({
    agents: [agent],
    store,
    runtime,
    metrics: createMetrics({ processMetrics: false }),
    logError: (line, error) => logged.push({ line, error }),
  });
});

afterAll(async () => {
  await app?.lifecycle.closeResources().catch(() => {});
  await server?.stop();
  process.off('unhandledRejection', onProcessError);
  process.off('uncaughtException', onProcessError);
});

const send = (text: string) =>
  app.request('/api/agents/front-desk/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });

/** Polls `probe` every 100 ms until it returns true, for at most `timeoutMs`. */
async function eventually(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The chain of messages of an error and its causes. */
function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) parts.push(current.message);
  return parts.join(' <- ');
}

describe('a PostgreSQL outage under a running app', () => {
  it('answers 503 without naming the server while it is down, and serves again once it is back', async () => {
    expect((await send('before the outage')).status).toBe(200);
    expect((await app.request('/readyz')).status).toBe(200);

    // A transaction holding a connection between two statements when the server goes: pg emits
    // 'error' on that checked-out client, which crashed the process when nobody listened.
    let outageStarted!: () => void;
    const outage = new Promise<void>((resolve) => {
      outageStarted = resolve;
    });
    const held = store.writeTransaction(async (db) => {
      await sql`select 1`.execute(db);
      await outage;
      await sql`select 1`.execute(db);
    });
    const heldOutcome = held.then(
      () => 'committed',
      (error: unknown) => error,
    );

    await server.kill();
    // Let the cut connections' errors arrive before the transaction goes on.
    await new Promise((resolve) => setTimeout(resolve, 200));
    outageStarted();
    expect(await heldOutcome).toMatchObject({ code: 'store-unavailable' });

    // Readiness is cached for a second: within a few it turns.
    let readiness: { status: number; body: unknown } = { status: 0, body: undefined };
    expect(
      await eventually(async () => {
        const response = await app.request('/readyz');
        readiness = { status: response.status, body: await response.json() };
        return response.status === 503;
      }),
    ).toBe(true);
    expect(readiness.body).toEqual({ status: 'not-ready', reason: 'store-unreachable' });
    expect((await app.request('/healthz')).status).toBe(200);

    for (const [what, response] of [
      ['a message', await send('during the outage')],
      ['the interactions list', await app.request('/api/interactions')],
      ['the trust view', await app.request('/api/agents/front-desk/trust')],
    ] as const) {
      const text = await response.text();
      expect(response.status, `${what}: ${text}`).toBe(503);
      expect(JSON.parse(text), what).toEqual({
        error: { code: 'store-unavailable', message: 'the store is unavailable; retry shortly', details: {} },
      });
      for (const secret of ['127.0.0.1', port, 'ECONNREFUSED', DATABASE, 'postgres', 'connect'])
        expect(text, what).not.toContain(secret);
    }
    // The log has what the client does not: the driver's own error.
    const storeLines = logged.filter((entry) => entry.line.includes('store-unavailable'));
    expect(storeLines.length).toBeGreaterThanOrEqual(3);
    expect(causeChain(storeLines[0]!.error)).toMatch(/ECONNREFUSED|terminat|connect/i);

    await server.restart();
    // No restart of the app: the pool drops the dead clients and connects anew.
    const recovered = await eventually(async () => {
      const [message, list, ready] = await Promise.all([
        send('after the outage'),
        app.request('/api/interactions'),
        app.request('/readyz'),
      ]);
      return message.status === 200 && list.status === 200 && ready.status === 200;
    });
    expect(recovered).toBe(true);
    expect(await (await app.request('/readyz')).json()).toEqual({ status: 'ready' });
    const page = (await (await app.request('/api/interactions')).json()) as {
      items: Array<{ requestText: string }>;
    };
    expect(page.items.map((item) => item.requestText)).toContain('before the outage');

    expect(processErrors).toEqual([]);
  });
});
