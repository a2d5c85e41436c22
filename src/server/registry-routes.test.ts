import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { discardChanges, Registry } from '../fleet/index.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';

/** The fields these tests read from a response body. */
interface Body {
  items: Array<{ tenantId: string; agentId: string }>;
  nextCursor: string | null;
  config: unknown;
  effectiveVersion: string;
  error: { code: string; message: string; details: { issues: unknown } };
}

const bodyOf = async (response: Response | Promise<Response>) => (await (await response).json()) as Body;

describe.each(storeEngines)('registry API on $name', (engine) => {
  let opened: TestStore;
  let app: StewardApp;
  let registryInstance: Registry;
  const registryOf = () => registryInstance;

  beforeAll(async () => {
    opened = await engine.open();
    const registry = new Registry(opened.store, { changes: discardChanges });
    registryInstance = registry;
    app = createApp({
      agents: [],
      store: opened.store,
      metrics: createMetrics({ processMetrics: false }),
      registry,
    });
  });
  afterAll(async () => {
    await opened.cleanup();
  });

  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method,
      headers: {
        'x-steward-actor': 'alice',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('creates tenants with their version as ETag, refuses a second, and records the key as the actor', async () => {
    const created = await send('POST', '/api/tenants', { tenantId: 'acme', displayName: 'Acme Bakery' });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    // The key is the actor; X-Steward-Actor only adds an "on behalf of" note.
    expect(await created.json()).toMatchObject({
      tenantId: 'acme',
      status: 'active',
      createdBy: 'key:local (local demo, no keys configured) on behalf of alice',
    });
    expect((await send('POST', '/api/tenants', { tenantId: 'acme' })).status).toBe(409);
    const anonymous = await app.request('/api/tenants', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: 'zeta' }),
    });
    expect(anonymous.status).toBe(201);
    expect(await anonymous.json()).toMatchObject({ createdBy: 'key:local (local demo, no keys configured)' });
    const badLimits = await send('POST', '/api/tenants', { tenantId: 'bad', limits: { maxAgents: -1 } });
    expect(badLimits.status).toBe(400);
    expect(await badLimits.json()).toMatchObject({
      error: { code: 'invalid-request', details: { field: 'maxAgents' } },
    });
    await send('POST', '/api/tenants', { tenantId: 'globex' });
  });

  it('lists tenants a page at a time and suspends one with If-Match', async () => {
    const first = await bodyOf(send('GET', '/api/tenants?limit=1'));
    expect(first.items.map((tenant: { tenantId: string }) => tenant.tenantId)).toEqual(['acme']);
    const second = await bodyOf(send('GET', `/api/tenants?limit=1&cursor=${first.nextCursor}`));
    expect(second.items.map((tenant: { tenantId: string }) => tenant.tenantId)).toEqual(['globex']);
    expect((await send('GET', '/api/tenants?cursor=bogus')).status).toBe(400);
    expect((await send('GET', '/api/tenants?sort=name')).status).toBe(400);
    const suspended = await send(
      'PATCH',
      '/api/tenants/globex',
      { status: 'suspended' },
      { 'if-match': '"1"' },
    );
    expect(suspended.status).toBe(200);
    expect(suspended.headers.get('etag')).toBe('"2"');
    const stale = await send('PATCH', '/api/tenants/globex', { status: 'active' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ error: { code: 'precondition-failed' } });
    expect(
      (await send('PATCH', '/api/tenants/globex', { status: 'active' }, { 'if-match': '"2"' })).status,
    ).toBe(200);
    expect((await send('GET', '/api/tenants/nobody')).status).toBe(404);
  });

  it('puts an agent (201, then 200), serves it with its ETag, and answers 412 to a stale If-Match', async () => {
    const path = '/api/tenants/acme/agents/desk';
    const created = await send('PUT', path, { systemPrompt: 'Hello', tools: ['Read'] });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(await created.json()).toMatchObject({ outcome: 'created', version: 1, effectiveVersion: '1' });
    const unchanged = await send('PUT', path, { tools: ['Read'], systemPrompt: 'Hello' });
    expect(unchanged.status).toBe(200);
    expect(await unchanged.json()).toMatchObject({ outcome: 'unchanged', version: 1 });
    const updated = await send('PUT', path, { systemPrompt: 'Hi' }, { 'if-match': '"1"' });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('etag')).toBe('"2"');
    const stale = await send('PUT', path, { systemPrompt: 'late' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    const read = await send('GET', path);
    expect(read.headers.get('etag')).toBe('"2"');
    expect(await read.json()).toMatchObject({ config: { systemPrompt: 'Hi' }, version: 2 });
    expect((await send('PUT', path, { systemPrompt: 'x' }, { 'if-match': 'W/"2"' })).status).toBe(400);
  });

  it('two concurrent PUTs with the same If-Match: one 200, one 412', async () => {
    const path = '/api/tenants/acme/agents/contested';
    await send('PUT', path, { systemPrompt: 'start' });
    const statuses = await Promise.all(
      ['left', 'right'].map(
        async (side) => (await send('PUT', path, { systemPrompt: side }, { 'if-match': '1' })).status,
      ),
    );
    expect(statuses.sort()).toEqual([200, 412]);
  });

  it('refuses an invalid config with 400 and the config paths', async () => {
    const response = await send('PUT', '/api/tenants/acme/agents/bad', {
      optimization: { budget: { daily: -5 } },
    });
    expect(response.status).toBe(400);
    const body = await bodyOf(response);
    expect(body.error.code).toBe('invalid-request');
    expect(body.error.message).toContain('optimization.budget.daily: expected a number >= 0, received -5');
    expect(body.error.details.issues).toEqual([
      { path: 'optimization.budget.daily', expected: 'a number >= 0', received: '-5' },
    ]);
  });

  it("never reaches another tenant's agent through a mismatched path: 404 that names nothing else", async () => {
    const elsewhere = '/api/tenants/globex/agents/desk';
    const read = await send('GET', elsewhere);
    expect(read.status).toBe(404);
    const deleted = await send('DELETE', elsewhere);
    expect(deleted.status).toBe(404);
    const conditional = await send('PUT', elsewhere, { systemPrompt: 'hijack' }, { 'if-match': '"2"' });
    expect(conditional.status).toBe(404);
    for (const response of [read, deleted, conditional]) {
      const text = JSON.stringify(await response.json());
      expect(text).not.toContain('acme');
      expect(text).not.toContain(opened.store.location);
    }
    // A body naming the other tenant cannot move the write there either.
    const renamed = await send('PUT', elsewhere, { tenantId: 'acme', systemPrompt: 'hijack' });
    expect(renamed.status).toBe(400);
    expect((await bodyOf(send('GET', '/api/tenants/acme/agents/desk'))).config).toEqual({
      systemPrompt: 'Hi',
    });
    expect((await send('GET', '/api/tenants/globex/agents')).status).toBe(200);
    expect((await bodyOf(send('GET', '/api/tenants/globex/agents'))).items).toEqual([]);
  });

  it('disables an agent on DELETE and lists a tenant`s agents', async () => {
    await send('PUT', '/api/tenants/acme/agents/retired', {});
    const deleted = await send('DELETE', '/api/tenants/acme/agents/retired');
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toMatchObject({ status: 'disabled', outcome: 'disabled' });
    const active = await bodyOf(send('GET', '/api/tenants/acme/agents?status=active'));
    expect(active.items.map((agent: { agentId: string }) => agent.agentId)).toEqual(['contested', 'desk']);
    expect((await send('GET', '/api/tenants/nobody/agents')).status).toBe(404);
  });

  it('never answers a channel secret: GET shows "[sealed]", a PUT of what GET gave keeps the secret', async () => {
    const path = '/api/tenants/globex/agents/slacker';
    const channels = [{ type: 'slack', botToken: 'xoxb-http-plain-91', signingSecret: 'http-signing-91' }];
    const put = await send('PUT', path, { systemPrompt: 'Hi', channels });
    expect(put.status).toBe(201);
    const putText = await put.text();
    const read = await send('GET', path);
    const readText = await read.text();
    for (const text of [putText, readText]) {
      expect(text).not.toContain('xoxb-http-plain-91');
      expect(text).not.toContain('http-signing-91');
    }
    const { config } = JSON.parse(readText) as { config: Record<string, unknown> };
    expect(config.channels).toEqual([{ type: 'slack', botToken: '[sealed]', signingSecret: '[sealed]' }]);
    const edited = await send('PUT', path, { ...config, systemPrompt: 'Hello' });
    expect(edited.status).toBe(200);
    const effective = await registryOf().resolveAgentConfig('globex', 'slacker');
    expect(effective.config.channels).toEqual(channels);
  });

  it('puts, reads and deletes templates; a template agents extend is not deleted (409 with the count)', async () => {
    const created = await send('PUT', '/api/templates/base', { limits: { maxTurns: 5 } });
    expect(created.status).toBe(201);
    await send('PUT', '/api/tenants/acme/agents/templated', { extends: 'base', systemPrompt: 'x' });
    expect(await bodyOf(send('GET', '/api/tenants/acme/agents/templated'))).toMatchObject({
      extends: 'base',
      effectiveVersion: '1.1',
    });
    const changed = await send(
      'PUT',
      '/api/templates/base',
      { limits: { maxTurns: 6 } },
      { 'if-match': '"1"' },
    );
    expect(await changed.json()).toMatchObject({ outcome: 'updated', agentsAffected: 1, version: 2 });
    const templated = (await bodyOf(send('GET', '/api/tenants/acme/agents/templated'))) as {
      effectiveVersion: string;
    };
    expect(templated.effectiveVersion).toBe('1.2');
    const refused = await send('DELETE', '/api/templates/base');
    expect(refused.status).toBe(409);
    expect((await bodyOf(refused)).error.message).toContain('is extended by 1 agent (1 active, 0 disabled)');
    await send('PUT', '/api/tenants/acme/agents/templated', { systemPrompt: 'x' });
    expect((await send('DELETE', '/api/templates/base')).status).toBe(200);
    expect((await send('GET', '/api/templates/base')).status).toBe(404);
  });

  it('takes the actor from the function the app passes', async () => {
    const custom = createApp({
      agents: [],
      store: opened.store,
      metrics: createMetrics({ processMetrics: false }),
      registry: new Registry(opened.store, { changes: discardChanges }),
      actorOf: () => 'api-key:ops-1',
    });
    const response = await custom.request('/api/tenants', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: 'keyed' }),
    });
    expect(await response.json()).toMatchObject({ createdBy: 'api-key:ops-1' });
  });
});

describe('registry API errors', () => {
  it('a store failure is a generic 500 that shows no database path', async () => {
    const opened = await storeEngines[0]!.open();
    const logged: string[] = [];
    const app = createApp({
      agents: [],
      store: opened.store,
      metrics: createMetrics({ processMetrics: false }),
      registry: new Registry(opened.store, { changes: discardChanges }),
      logError: (line) => logged.push(line),
    });
    await opened.store.close();
    const response = await app.request('/api/tenants');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain(opened.config.path!);
    expect(text).toContain('internal error');
    expect(logged).toHaveLength(1);
    await opened.cleanup();
  });
});
