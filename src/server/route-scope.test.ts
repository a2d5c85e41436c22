import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../agent/index.js';
import { ChannelCore } from '../channels/index.js';
import {
  ApiKeyService,
  Authenticator,
  actions,
  discardChanges,
  type KeyRequest,
  Registry,
} from '../fleet/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { openStore } from '../store/index.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function harness(): Promise<{
  app: StewardApp;
  registry: Registry;
  key(request: KeyRequest): Promise<string>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-guard-'));
  const store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '44'.repeat(32) }, {});
  const runtime = new FunctionRuntime(async (request) => `echo: ${request.prompt}`);
  const agents = [
    new ClaudeAgent({ tenantId: 'acme', agentId: 'front-desk', store, runtime }),
    new ClaudeAgent({ tenantId: 'globex', agentId: 'back-office', store, runtime }),
  ];
  const keys = await ApiKeyService.open(store, { audit: { append: async () => undefined } });
  const registry = new Registry(store, { changes: discardChanges });
  const app = createApp({
    agents,
    store,
    runtime,
    registry,
    metrics: createMetrics({ processMetrics: false }),
    authenticator: new Authenticator({ keys }),
    keys,
    resources: [keys],
    channels: {
      core: new ChannelCore({
        store,
        adapters: [],
        useAgent: () => Promise.reject(new Error('no agent here')),
      }),
    },
  });
  cleanups.push(async () => {
    await app.lifecycle.closeResources();
    rmSync(dir, { recursive: true, force: true });
  });
  return { app, registry, key: async (request) => (await keys.create(request, 'test')).token };
}

function call(app: StewardApp, token: string, method: string, path: string, body?: unknown) {
  return app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('per-route actions and tenant scope', () => {
  it('declares an action for every API route, and no action for a route that does not exist', async () => {
    const { app } = await harness();
    const served = new Set(
      app.routes
        .filter((route) => route.method !== 'ALL' && route.path.startsWith('/api/'))
        .map((route) => `${route.method} ${route.path}`),
    );
    expect([...served].sort()).toEqual([...app.routeActions.keys()].sort());
    for (const action of app.routeActions.values()) expect(actions).toContain(action);
  });

  it('scopes a tenant’s channel analytics to keys of that tenant', async () => {
    const { app, key } = await harness();
    const viewer = await key({ name: 'acme viewer', role: 'viewer', tenants: ['acme'] });
    expect((await call(app, viewer, 'GET', '/api/tenants/acme/channels')).status).toBe(200);
    expect((await call(app, viewer, 'GET', '/api/tenants/globex/channels')).status).toBe(404);
  });

  it('fails closed on a route added without an action', async () => {
    const { app, key } = await harness();
    app.get('/api/new-thing', (c) => c.json({ secret: 'data' }, 200));
    const response = await call(
      app,
      await key({ name: 'root', role: 'admin', tenants: '*' }),
      'GET',
      '/api/new-thing',
    );
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('data');
  });

  it('applies the role of the key to every route', async () => {
    const { app, key } = await harness();
    const viewer = await key({ name: 'viewer', role: 'viewer', tenants: '*' });
    expect((await call(app, viewer, 'GET', '/api/agents')).status).toBe(200);
    expect((await call(app, viewer, 'GET', '/api/interactions')).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/api/agents/front-desk/messages', { text: 'hi' }],
      ['POST', '/api/agents/front-desk/trust', { action: 'freeze', actor: 'x', reason: 'y' }],
      ['DELETE', '/api/agents/front-desk/cache', undefined],
      ['DELETE', '/api/agents/front-desk/patterns', undefined],
      ['POST', '/api/audit/decrypt', { tenantId: 'acme', seqs: [1] }],
      ['POST', '/api/approvals/a1', { decision: 'approve', actor: 'x' }],
    ] as const) {
      const response = await call(app, viewer, method, path, body);
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    const chat = await key({ name: 'chat', role: 'chat', tenants: '*' });
    expect((await call(app, chat, 'POST', '/api/agents/front-desk/messages', { text: 'hi' })).status).toBe(
      200,
    );
    expect((await call(app, chat, 'GET', '/api/interactions')).status).toBe(403);
    expect((await call(app, chat, 'GET', '/api/agents')).status).toBe(403);
  });

  it('answers an agent of another tenant exactly like a missing agent, for a key limited to some tenants', async () => {
    const { app, key } = await harness();
    const chat = await key({ name: 'acme chat', role: 'chat', tenants: ['acme'] });
    const own = await call(app, chat, 'POST', '/api/agents/front-desk/messages', { text: 'hi' });
    expect(own.status).toBe(200);
    const other = await call(app, chat, 'POST', '/api/agents/back-office/messages', { text: 'hi' });
    const missing = await call(app, chat, 'POST', '/api/agents/nobody/messages', { text: 'hi' });
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect((await other.text()).replaceAll('back-office', 'nobody')).toBe(await missing.text());

    const viewer = await key({ name: 'acme viewer', role: 'viewer', tenants: ['acme'] });
    expect((await call(app, viewer, 'GET', '/api/interactions?tenantId=acme')).status).toBe(200);
    const outside = await call(app, viewer, 'GET', '/api/interactions?tenantId=globex');
    expect(outside.status).toBe(404);
    // The deprecated list across tenants is narrowed to the key's tenant, and says it is deprecated.
    const narrowed = await call(app, viewer, 'GET', '/api/interactions');
    expect(narrowed.status).toBe(200);
    expect(narrowed.headers.get('deprecation')).toMatch(/^@\d+$/);
    expect(narrowed.headers.get('link')).toBe('</api/tenants/acme/interactions>; rel="successor-version"');
    const items = ((await narrowed.json()) as { items: Array<{ tenantId: string }> }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => item.tenantId === 'acme')).toBe(true);
    expect((await call(app, viewer, 'GET', '/api/agents/back-office/trust')).status).toBe(404);
  });

  it("never lets a tenant's key read or change another tenant's registry entries: 404 as for a missing tenant", async () => {
    const { app, registry, key } = await harness();
    for (const tenantId of ['acme', 'globex']) {
      await registry.tenants.create({ tenantId, displayName: tenantId }, { actor: 'test' });
      await registry.agents.put(
        { tenantId, agentId: 'desk' },
        { systemPrompt: `${tenantId} desk` },
        { actor: 'test' },
      );
    }
    const operator = await key({ name: 'acme ops', role: 'operator', tenants: ['acme'] });
    expect((await call(app, operator, 'GET', '/api/tenants/acme/agents/desk')).status).toBe(200);
    const missing = await call(app, operator, 'GET', '/api/tenants/initech/agents/desk');
    for (const [method, path, body] of [
      ['GET', '/api/tenants/globex', undefined],
      ['GET', '/api/tenants/globex/agents', undefined],
      ['GET', '/api/tenants/globex/agents/desk', undefined],
      ['PUT', '/api/tenants/globex/agents/desk', { systemPrompt: 'hijacked' }],
      ['DELETE', '/api/tenants/globex/agents/desk', undefined],
    ] as const) {
      const response = await call(app, operator, method, path, body);
      expect([method, path, response.status]).toEqual([method, path, missing.status]);
      const text = await response.text();
      expect(text).not.toContain('globex desk');
    }
    expect((await call(app, operator, 'GET', '/api/tenants')).status).toBe(403);
    expect((await registry.resolveAgentConfig('globex', 'desk'))?.config.systemPrompt).toBe('globex desk');
  });
});
