/**
 * The app over the registry: agents built by an AgentHost on their first message, the tenant routes,
 * the deprecated aliases, suspension and the per-tenant message limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import {
  AgentHost,
  discardChanges,
  Registry,
  registryAgentSource,
  TenantRateLimiter,
} from '../fleet/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { ApprovalService } from '../trust/index.js';
import { hostAgentDirectory } from './agent-directory.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';

interface Body {
  text: string;
  interactionId: string;
  items: Array<{ tenantId: string; id: string }>;
  error: { code: string; message: string; details: Record<string, unknown> };
}

const engine = storeEngines[0]!;

describe(`tenant routes over the registry (${engine.name})`, () => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function harness(options: { clock?: () => number } = {}) {
    opened = await engine.open();
    const store = opened.store;
    const registry = new Registry(store, { changes: discardChanges });
    const runtime = new FunctionRuntime(async (request) => `${request.systemPrompt} | ${request.prompt}`);
    const source = registryAgentSource(registry);
    const metrics = createMetrics({ processMetrics: false });
    const host = new AgentHost({
      source,
      store,
      runtime,
      recheckMs: 0,
      onBuilt: (agent) => metrics.trackAgent(agent),
    });
    const app = createApp({
      directory: hostAgentDirectory({ host, source, registry }),
      store,
      runtime,
      metrics,
      registry,
      rateLimiter: new TenantRateLimiter({
        perMinute: 100,
        ...(options.clock ? { now: options.clock } : {}),
      }),
    });
    for (const tenantId of ['acme', 'globex']) {
      await registry.tenants.create({ tenantId }, { actor: 'test' });
      await registry.agents.put(
        { tenantId, agentId: 'desk' },
        { systemPrompt: `${tenantId} desk` },
        { actor: 'test' },
      );
    }
    return { app, host, registry, store, metrics };
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
  const message = (app: StewardApp, tenantId: string, text = 'hi', agentId = 'desk') =>
    send(app, 'POST', `/api/tenants/${tenantId}/agents/${agentId}/messages`, { text });

  it('builds the agent from the registry on its first message, and a config put through the API is the next reply', async () => {
    const { app, host } = await harness();
    expect(host.size).toBe(0);
    const first = await message(app, 'acme');
    expect(first.status).toBe(200);
    expect(((await first.json()) as Body).text).toBe('acme desk | hi');
    expect(host.size).toBe(1);
    const put = await send(app, 'PUT', '/api/tenants/acme/agents/desk', { systemPrompt: 'acme desk v2' });
    expect(put.status).toBe(200);
    expect(((await (await message(app, 'acme')).json()) as Body).text).toBe('acme desk v2 | hi');
    // Each tenant's own agent of the same id.
    expect(((await (await message(app, 'globex')).json()) as Body).text).toBe('globex desk | hi');
    const missing = await message(app, 'acme', 'hi', 'nobody');
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain('desk');
  });

  it('counts host-built agents in the metrics, and closes the live agents on shutdown', async () => {
    const { app, host } = await harness();
    await message(app, 'acme');
    await message(app, 'globex');
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toMatch(
      /steward_interactions_total\{agent="desk",tier="intelligent",outcome="success"\} 2/,
    );
    expect(host.size).toBe(2);
    await app.lifecycle.closeResources();
    expect(host.size).toBe(0);
    await expect(host.use('acme', 'desk', async () => 'used')).rejects.toMatchObject({
      code: 'shutting-down',
    });
    opened = undefined;
  });

  it('serves the deprecated routes as aliases, with a Deprecation header and a Link to the tenant route', async () => {
    const { app, registry } = await harness();
    await registry.agents.put(
      { tenantId: 'acme', agentId: 'front' },
      { systemPrompt: 'front' },
      { actor: 'test' },
    );
    const reply = await send(app, 'POST', '/api/agents/front/messages', { text: 'hello' });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('deprecation')).toMatch(/^@\d+$/);
    expect(reply.headers.get('link')).toBe(
      '</api/tenants/acme/agents/front/messages>; rel="successor-version"',
    );
    const tenantRoute = await message(app, 'acme', 'hello', 'front');
    expect(tenantRoute.headers.get('deprecation')).toBeNull();
    // `desk` is in two tenants: the alias cannot tell which, and says how to name it.
    const ambiguous = await send(app, 'POST', '/api/agents/desk/messages', { text: 'hello' });
    expect(ambiguous.status).toBe(400);
    expect(((await ambiguous.json()) as Body).error.message).toContain(
      '/api/tenants/<tenantId>/agents/desk/',
    );
    const trust = await send(app, 'GET', '/api/agents/front/trust');
    expect(trust.headers.get('link')).toBe('</api/tenants/acme/agents/front/trust>; rel="successor-version"');
  });

  it('decides an approval on the deprecated /api/approvals/:id for an agent that is not live (built to decide it)', async () => {
    const { app, registry, store, host } = await harness();
    await registry.agents.put(
      { tenantId: 'globex', agentId: 'ops' },
      { systemPrompt: 'ops', tools: ['Write'], trust: { initial: 0.5, permissions: { 0.1: ['Write'] } } },
      { actor: 'test' },
    );
    const pending = await new ApprovalService(store).request({
      tenantId: 'globex',
      agentId: 'ops',
      interactionId: 'interaction-1',
      toolName: 'Write',
      input: { file_path: 'a.txt' },
      level: 0.5,
      requiredLevel: 0.1,
      timeoutMs: 60_000,
    });
    expect(host.size).toBe(0);
    const decided = await send(app, 'POST', `/api/approvals/${pending.id}`, { decision: 'approve' });
    expect(decided.status).toBe(200);
    expect(decided.headers.get('deprecation')).toMatch(/^@\d+$/);
    expect(await decided.json()).toMatchObject({ id: pending.id, tenantId: 'globex', status: 'approved' });
    // The tenant route finds it within its own tenant only.
    const wrongTenant = await send(app, 'POST', `/api/tenants/acme/approvals/${pending.id}`, {
      decision: 'deny',
    });
    expect(wrongTenant.status).toBe(404);
  });

  it("narrows every tenant-level route to the path's tenant: another tenant's interaction answers 404", async () => {
    const { app } = await harness();
    const acme = (await (await message(app, 'acme')).json()) as Body;
    await message(app, 'globex');
    const list = (await (
      await send(app, 'GET', '/api/tenants/globex/interactions?tenantId=acme')
    ).json()) as Body;
    expect(list.items.map((item) => item.tenantId)).toEqual(['globex']);
    const foreign = await send(
      app,
      'POST',
      `/api/tenants/globex/interactions/${acme.interactionId}/feedback`,
      {
        rating: 'negative',
      },
    );
    const noneId = '00000000-0000-4000-8000-000000000000';
    const none = await send(app, 'POST', `/api/tenants/globex/interactions/${noneId}/feedback`, {
      rating: 'negative',
    });
    expect(foreign.status).toBe(404);
    // Errors quote at most 32 characters of an id.
    expect((await foreign.text()).replace(acme.interactionId.slice(0, 32), noneId.slice(0, 32))).toBe(
      await none.text(),
    );
    const own = await send(app, 'POST', `/api/tenants/acme/interactions/${acme.interactionId}/feedback`, {
      rating: 'positive',
    });
    expect(own.status).toBe(200);
    const unknownTenant = await send(app, 'GET', '/api/tenants/initech/interactions');
    expect(unknownTenant.status).toBe(404);
  });

  it("refuses a suspended tenant's messages with 403 tenant-suspended, records nothing, closes its agents, and serves it again once resumed", async () => {
    const { app, host, store } = await harness();
    expect((await message(app, 'acme')).status).toBe(200);
    expect((await message(app, 'globex')).status).toBe(200);
    expect(host.size).toBe(2);
    const suspended = await send(app, 'PATCH', '/api/tenants/acme', { status: 'suspended' });
    expect(suspended.status).toBe(200);
    expect(host.size).toBe(1);
    const refused = await message(app, 'acme', 'are you there?');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as Body).error.code).toBe('tenant-suspended');
    // The deprecated alias, told the tenant by ?tenantId= (two tenants have a `desk`), refuses it too.
    const legacy = await send(app, 'POST', '/api/agents/desk/messages?tenantId=acme', { text: 'x' });
    expect(legacy.status).toBe(403);
    expect(((await legacy.json()) as Body).error.code).toBe('tenant-suspended');
    expect((await store.interactions.list({ tenantId: 'acme' })).items).toHaveLength(1);
    expect((await message(app, 'globex')).status).toBe(200);
    await send(app, 'PATCH', '/api/tenants/acme', { status: 'active' });
    expect((await message(app, 'acme')).status).toBe(200);
    expect((await store.interactions.list({ tenantId: 'acme' })).items).toHaveLength(2);
  });

  it("limits each tenant's messages to its own rate (429 with Retry-After) without limiting another tenant", async () => {
    let now = 1_000_000;
    const { app, registry, store } = await harness({ clock: () => now });
    await registry.tenants.update('acme', { limits: { messagesPerMinute: 2 } }, { actor: 'test' });
    expect((await message(app, 'acme')).status).toBe(200);
    expect((await message(app, 'acme')).status).toBe(200);
    const limited = await message(app, 'acme');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(((await limited.json()) as Body).error.code).toBe('rate-limited');
    for (let index = 0; index < 5; index++) expect((await message(app, 'globex')).status).toBe(200);
    expect((await store.interactions.list({ tenantId: 'acme' })).items).toHaveLength(2);
    now += 30_000;
    expect((await message(app, 'acme')).status).toBe(200);
  });
});
