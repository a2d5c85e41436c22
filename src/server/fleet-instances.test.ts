/**
 * Two instances (two apps, each with its own AgentHost, store and connections) on one database, real
 * PostgreSQL or one SQLite file: a config put through one is in force on the other within a few seconds
 * (the host's version check, `recheckMs`), and a suspension through one refuses messages on the other at
 * once (SQLite: though each instance keeps its tenants in process, under the change epoch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { AgentHost, discardChanges, Registry, registryAgentSource } from '../fleet/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { openStore, type StewardStore } from '../store/index.js';
import { hostAgentDirectory } from './agent-directory.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';

function instance(store: StewardStore): StewardApp {
  const registry = new Registry(store, { changes: discardChanges });
  const runtime = new FunctionRuntime(async (request) => `${request.systemPrompt} | ${request.prompt}`);
  const source = registryAgentSource(registry);
  // The default recheck (2 s): what a deployment runs with.
  const host = new AgentHost({ source, store, runtime });
  return createApp({
    directory: hostAgentDirectory({ host, source, registry }),
    store,
    runtime,
    metrics: createMetrics({ processMetrics: false }),
    registry,
  });
}

const send = (app: StewardApp, method: string, path: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: {
      'x-steward-actor': 'alice',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const ask = async (app: StewardApp) => {
  const response = await send(app, 'POST', '/api/tenants/acme/agents/desk/messages', { text: 'hi' });
  return {
    status: response.status,
    body: (await response.json()) as { text?: string; error?: { code: string } },
  };
};

describe.each(storeEngines)('two instances on one $name database', (engine) => {
  let opened: TestStore;
  let second: StewardStore;
  let a: StewardApp;
  let b: StewardApp;

  beforeAll(async () => {
    opened = await engine.open();
    second = await openStore(opened.config, {});
    a = instance(opened.store);
    b = instance(second);
  });
  afterAll(async () => {
    await b?.lifecycle.closeResources();
    await a?.lifecycle.closeResources().catch(() => undefined);
    await opened?.cleanup().catch(() => undefined);
  });

  it('puts a config through instance A, and instance B answers with it within a few seconds', async () => {
    expect((await send(a, 'POST', '/api/tenants', { tenantId: 'acme' })).status).toBe(201);
    expect((await send(a, 'PUT', '/api/tenants/acme/agents/desk', { systemPrompt: 'v1' })).status).toBe(201);
    // Both instances hold a live agent built from v1.
    expect((await ask(a)).body.text).toBe('v1 | hi');
    expect((await ask(b)).body.text).toBe('v1 | hi');

    const put = await send(a, 'PUT', '/api/tenants/acme/agents/desk', { systemPrompt: 'v2' });
    expect(put.status).toBe(200);
    expect((await ask(a)).body.text).toBe('v2 | hi');
    const started = Date.now();
    let text: string | undefined;
    for (let attempt = 0; attempt < 100 && Date.now() - started < 10_000; attempt++) {
      text = (await ask(b)).body.text;
      if (text === 'v2 | hi') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(text).toBe('v2 | hi');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('suspends the tenant through A: B refuses its messages at once, and serves them again once resumed', async () => {
    // B has the tenant in hand (SQLite: kept in process) before A suspends it.
    expect((await ask(b)).status).toBe(200);
    expect((await send(a, 'PATCH', '/api/tenants/acme', { status: 'suspended' })).status).toBe(200);
    const refused = await ask(b);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('tenant-suspended');
    expect((await send(a, 'PATCH', '/api/tenants/acme', { status: 'active' })).status).toBe(200);
    expect((await ask(b)).status).toBe(200);
  });
});
