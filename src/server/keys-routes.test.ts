import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { searchAuditRecords } from '../audit/index.js';
import {
  ApiKeyService,
  Authenticator,
  adminTokensFromEnv,
  type Caller,
  createPlatformAuditSink,
  PLATFORM_TENANT_ID,
  tenantNotFound,
} from '../fleet/index.js';
import { openStore, type StewardStore } from '../store/index.js';
import { createApp, type StewardApp } from './app.js';
import { actorOf, authenticate, callerOf, requireAction } from './auth.js';
import { errorResponse, toHttpError } from './http-errors.js';
import { createMetrics } from './metrics.js';

const adminToken = 'bootstrap-admin-token-0123456789';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

interface Harness {
  app: StewardApp;
  store: StewardStore;
  keys: ApiKeyService;
  setClock(at: number): void;
  /** A request with `Authorization: Bearer <token>` (none when token is undefined). */
  call(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
}

async function harness(
  env: NodeJS.ProcessEnv = { STEWARD_ADMIN_TOKEN: adminToken },
  localAdmin = false,
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-keys-'));
  const store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '33'.repeat(32) }, {});
  let clock = 1_700_000_000_000;
  const audit = createPlatformAuditSink(store, {});
  const keys = await ApiKeyService.open(store, { audit, now: () => clock });
  const authenticator = new Authenticator({
    keys,
    adminTokens: adminTokensFromEnv(env).tokens,
    localAdminWhenKeyless: localAdmin,
  });
  const app = createApp({
    agents: [],
    store,
    metrics: createMetrics({ processMetrics: false }),
    authenticator,
    keys,
    resources: [keys, audit],
  });
  cleanups.push(async () => {
    await app.lifecycle.closeResources();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    app,
    store,
    keys,
    setClock: (at) => {
      clock = at;
    },
    call: (method, path, token, body, headers = {}) =>
      Promise.resolve(
        app.request(path, {
          method,
          headers: {
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      ),
  };
}

async function errorOf(
  response: Response,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  return (
    (await response.json()) as { error: { code: string; message: string; details: Record<string, unknown> } }
  ).error;
}

/** `token: null` sends no Authorization header. */
async function createKey(
  h: Harness,
  body: unknown,
  token: string | null = adminToken,
): Promise<{ id: string; token: string }> {
  const response = await h.call('POST', '/api/keys', token ?? undefined, body);
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(201);
  return (await response.json()) as { id: string; token: string };
}

describe('the Keys API', () => {
  it('lets the bootstrap admin from STEWARD_ADMIN_TOKEN create, list and revoke keys; a revoked key is refused next', async () => {
    const h = await harness();
    const response = await h.call('POST', '/api/keys', adminToken, {
      name: 'ops console',
      role: 'admin',
      tenants: '*',
      expiresAt: '2030-01-01T00:00:00Z',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const created = (await response.json()) as { id: string; token: string; key: Record<string, unknown> };
    expect(created.token).toMatch(new RegExp(`^stw_${created.id}_`));
    expect(created.key).toMatchObject({
      role: 'admin',
      tenants: '*',
      expiresAt: Date.parse('2030-01-01T00:00:00Z'),
    });

    // The new admin key works on its own.
    const listed = await h.call('GET', '/api/keys', created.token);
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(JSON.parse(text).keys).toHaveLength(1);
    expect(text).not.toContain(created.token.split('_').slice(2).join('_'));
    expect(Object.keys(JSON.parse(text).keys[0]).sort()).toEqual([
      'createdAt',
      'createdBy',
      'expiresAt',
      'id',
      'name',
      'revokedAt',
      'revokedBy',
      'role',
      'status',
      'tenants',
    ]);

    const other = await createKey(h, { name: 'bot', role: 'viewer', tenants: ['acme'] }, created.token);
    const revoked = await h.call('DELETE', `/api/keys/${other.id}`, created.token);
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({
      alreadyRevoked: false,
      key: { id: other.id, status: 'revoked' },
    });
    const refused = await h.call('GET', '/api/keys', other.token);
    expect(refused.status).toBe(401);
    expect(await errorOf(refused)).toMatchObject({ code: 'unauthorized', details: { reason: 'revoked' } });
    expect((await h.call('DELETE', '/api/keys/nosuchkey000', created.token)).status).toBe(404);
    expect((await h.call('DELETE', '/api/keys/NOT-AN-ID', created.token)).status).toBe(404);
  });

  it('is admin only: every other role, and an admin limited to some tenants, gets 403', async () => {
    const h = await harness();
    for (const [role, tenants] of [
      ['operator', '*'],
      ['approver', '*'],
      ['viewer', '*'],
      ['chat', ['acme']],
      ['admin', ['acme']],
    ] as const) {
      const key = await createKey(h, { name: `${role} key`, role, tenants });
      for (const [method, path, body] of [
        ['GET', '/api/keys', undefined],
        ['POST', '/api/keys', { name: 'escalate', role: 'admin', tenants: '*' }],
        ['DELETE', `/api/keys/${key.id}`, undefined],
      ] as const) {
        const response = await h.call(method, path, key.token, body);
        expect(response.status, `${role} ${JSON.stringify(tenants)} ${method} ${path}`).toBe(403);
        expect((await errorOf(response)).code).toBe('permission-denied');
      }
    }
    // Nothing was created or revoked by them.
    expect((await h.keys.list()).every((key) => key.status === 'active')).toBe(true);
    expect(await h.keys.list()).toHaveLength(5);
  });

  it('answers 401 with WWW-Authenticate for a missing, malformed, unknown or expired token', async () => {
    const h = await harness();
    const short = await createKey(h, {
      name: 'short',
      role: 'admin',
      tenants: '*',
      expiresAt: 1_700_000_060_000,
    });
    for (const [token, reason] of [
      [undefined, 'missing'],
      ['stw_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'invalid'],
      ['not-the-admin-token', 'invalid'],
    ] as const) {
      const response = await h.call('GET', '/api/keys', token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
      expect((await errorOf(response)).details.reason).toBe(reason);
    }
    const malformed = await h.call('GET', '/api/keys', undefined, undefined, { authorization: 'Basic abc' });
    expect((await errorOf(malformed)).details.reason).toBe('malformed');
    expect((await h.call('GET', '/api/keys', short.token)).status).toBe(200);
    h.setClock(1_700_000_060_000);
    const expired = await h.call('GET', '/api/keys', short.token);
    expect(expired.status).toBe(401);
    const error = await errorOf(expired);
    expect(error.details.reason).toBe('expired');
    expect(error.message).toContain('expired at 2023-11-14T22:14:20.000Z');
  });

  it('keeps STEWARD_API_TOKEN working as an admin token', async () => {
    const h = await harness({ STEWARD_API_TOKEN: 'old-shared-token' });
    expect((await h.call('GET', '/api/keys', 'old-shared-token')).status).toBe(200);
    expect((await h.call('GET', '/api/keys', 'other')).status).toBe(401);
  });

  it('records the key as the actor; X-Steward-Actor only adds a masked "on behalf of" note', async () => {
    const h = await harness();
    const key = await createKey(h, { name: 'ops console', role: 'admin', tenants: '*' });
    await createKey(h, { name: 'bot', role: 'chat', tenants: ['acme'] }, key.token);
    const second = await h.call(
      'POST',
      '/api/keys',
      key.token,
      { name: 'bot 2', role: 'chat', tenants: ['acme'] },
      {
        'x-steward-actor': 'root\t(admin) mail alice@example.com',
      },
    );
    const { id } = (await second.json()) as { id: string };
    await h.call('DELETE', `/api/keys/${id}`, adminToken, undefined, { 'x-steward-actor': 'bob' });
    await h.app.lifecycle.closeResources();
    const store = await openStore({ path: h.store.location, encryptionKey: '33'.repeat(32) }, {});
    try {
      const page = await searchAuditRecords(store, { tenantId: PLATFORM_TENANT_ID });
      expect(page.records.map((record) => record.actor).reverse()).toEqual([
        'key:env-admin (STEWARD_ADMIN_TOKEN)',
        `key:${key.id} (ops console)`,
        `key:${key.id} (ops console) on behalf of root (admin) mail [EMAIL]`,
        'key:env-admin (STEWARD_ADMIN_TOKEN) on behalf of bob',
      ]);
    } finally {
      await store.close();
    }
  });

  it('serves requests without a token as the local admin only while no key exists', async () => {
    const h = await harness({}, true);
    expect((await h.call('GET', '/api/keys')).status).toBe(200);
    // A wrong token is still an error, not a fallback to the local admin.
    expect((await h.call('GET', '/api/keys', 'wrong')).status).toBe(401);
    const key = await createKey(h, { name: 'first admin', role: 'admin', tenants: '*' }, null);
    expect((await h.call('GET', '/api/keys')).status).toBe(401);
    expect((await h.call('GET', '/api/keys', key.token)).status).toBe(200);
    // Revoking every key does not bring the open mode back.
    await h.call('DELETE', `/api/keys/${key.id}`, key.token);
    expect((await h.call('GET', '/api/keys')).status).toBe(401);
  });
});

describe('tenant scope on a route', () => {
  /** A route the way the lead applies it: authorize first, then look the tenant up. */
  function tenantApp(authenticator: Authenticator, tenants: Set<string>) {
    const app = new Hono();
    app.use('*', authenticate(authenticator));
    app.get(
      '/api/tenants/:tenantId/agents',
      requireAction('agents:read', (c) => c.req.param('tenantId')),
      (c) => {
        const tenantId = c.req.param('tenantId');
        if (!tenants.has(tenantId)) throw tenantNotFound(tenantId);
        return c.json({ tenantId, caller: callerOf(c), actor: actorOf(c) }, 200);
      },
    );
    app.onError((error) => errorResponse(toHttpError(error, 'test', () => {})));
    return app;
  }

  it('answers a tenant outside the key scope exactly like one that does not exist', async () => {
    const h = await harness();
    const scoped = await createKey(h, { name: 'acme viewer', role: 'viewer', tenants: ['acme'] });
    const app = tenantApp(new Authenticator({ keys: h.keys }), new Set(['acme', 'globex']));
    const get = (tenant: string, token: string) =>
      app.request(`/api/tenants/${tenant}/agents`, { headers: { authorization: `Bearer ${token}` } });

    const own = await get('acme', scoped.token);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { caller: Caller }).caller).toMatchObject({
      role: 'viewer',
      tenants: ['acme'],
    });

    const outOfScope = await get('globex', scoped.token);
    const adminView = await get(
      'globex',
      (await createKey(h, { name: 'root', role: 'admin', tenants: '*' })).token,
    );
    // An admin sees globex: it exists. The scoped key is told it does not, in the very same words.
    expect(adminView.status).toBe(200);
    const absent = await get('initech', scoped.token);
    expect(outOfScope.status).toBe(404);
    expect(absent.status).toBe(404);
    const outBody = await outOfScope.text();
    expect(outBody).toBe(JSON.stringify(tenantNotFound('globex').toJSON()));
    expect(outBody.replaceAll('globex', 'initech')).toBe(await absent.text());
    expect(outOfScope.headers.get('content-type')).toBe(absent.headers.get('content-type'));
  });
});
