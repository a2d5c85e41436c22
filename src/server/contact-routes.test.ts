import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../agent/index.js';
import { ChannelCore } from '../channels/index.js';
import { ApiKeyService, Authenticator, createPlatformAuditSink } from '../fleet/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { openStore, type StewardStore } from '../store/index.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';

let dir: string;
let store: StewardStore;
let app: StewardApp;
const tokens = { acmeOperator: '', acmeViewer: '', acmeChat: '', globexOperator: '', globexViewer: '' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-contact-routes-'));
  store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '55'.repeat(32) }, {});
  const platformAudit = createPlatformAuditSink(store, {});
  const keys = await ApiKeyService.open(store, { audit: platformAudit });
  const key = async (name: string, role: 'operator' | 'viewer' | 'chat', tenant: string) =>
    (await keys.create({ name, role, tenants: [tenant] }, 'test')).token;
  tokens.acmeOperator = await key('acme ops', 'operator', 'acme');
  tokens.acmeViewer = await key('acme viewer', 'viewer', 'acme');
  tokens.acmeChat = await key('acme chat', 'chat', 'acme');
  tokens.globexViewer = await key('globex viewer', 'viewer', 'globex');
  tokens.globexOperator = await key('globex ops', 'operator', 'globex');
  const runtime = new FunctionRuntime(async () => 'ok');
  const core = new ChannelCore({
    store,
    adapters: [],
    useAgent: async () => Promise.reject(new Error('unused')),
  });
  app = createApp({
    agents: [
      new ClaudeAgent({ store, runtime, tenantId: 'acme', agentId: 'desk' }),
      new ClaudeAgent({ store, runtime, tenantId: 'globex', agentId: 'back-office' }),
    ],
    store,
    metrics: createMetrics({ processMetrics: false }),
    authenticator: new Authenticator({ keys }),
    keys,
    resources: [keys, platformAudit],
    channels: { core },
  });
});
afterAll(async () => {
  await app.lifecycle.closeResources();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function call(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

describe('the contacts API', () => {
  it('creates, reads, renames, links, unlinks and deletes a contact, each change audited with the key and masked', async () => {
    const created = await call('POST', '/api/tenants/acme/contacts', tokens.acmeOperator, {
      displayName: 'Ada',
      identities: [
        { kind: 'email', value: 'Ada@Example.com' },
        { kind: 'phone', value: '+1 415 555 0123' },
      ],
    });
    expect(created.status).toBe(201);
    const contact = (await created.json()) as { id: string; identities: Array<{ value: string }> };
    expect(contact.identities.map((identity) => identity.value)).toEqual(['ada@example.com', '+14155550123']);

    const read = await call('GET', `/api/tenants/acme/contacts/${contact.id}`, tokens.acmeViewer);
    expect(read.status).toBe(200);
    const renamed = await call('PATCH', `/api/tenants/acme/contacts/${contact.id}`, tokens.acmeOperator, {
      displayName: 'Ada Lovelace',
    });
    expect(((await renamed.json()) as { displayName: string }).displayName).toBe('Ada Lovelace');
    const slack = { kind: 'slack', value: 'T0ACME:U0ADA' };
    const linked = await call(
      'POST',
      `/api/tenants/acme/contacts/${contact.id}/identities`,
      tokens.acmeOperator,
      slack,
    );
    expect(linked.status).toBe(200);
    const unlinked = await call(
      'DELETE',
      `/api/tenants/acme/contacts/${contact.id}/identities`,
      tokens.acmeOperator,
      slack,
    );
    expect(((await unlinked.json()) as { identities: unknown[] }).identities).toHaveLength(2);
    expect(
      (await call('DELETE', `/api/tenants/acme/contacts/${contact.id}`, tokens.acmeOperator)).status,
    ).toBe(204);
    expect((await call('GET', `/api/tenants/acme/contacts/${contact.id}`, tokens.acmeOperator)).status).toBe(
      404,
    );

    const records = await sql<{ event_type: string; actor: string; payload: string }>`
      select event_type, actor, payload from audit_records where tenant_id = 'acme' and event_type like 'contact-%' order by seq`.execute(
      store.db,
    );
    expect(records.rows.map((row) => row.event_type)).toEqual([
      'contact-created',
      'contact-updated',
      'contact-identity-linked',
      'contact-identity-unlinked',
      'contact-deleted',
    ]);
    expect(records.rows.every((row) => row.actor.includes('acme ops'))).toBe(true);
    const stored = JSON.stringify(records.rows);
    expect(stored).not.toContain('ada@example.com');
    expect(stored).not.toContain('4155550123');
    expect(stored).toContain('phone:+***0123');
  });

  it('refuses an identity another contact of the tenant holds (409), a malformed one (400), a viewer’s change (403)', async () => {
    const body = { identities: [{ kind: 'email', value: 'grace@example.com' }] };
    expect((await call('POST', '/api/tenants/acme/contacts', tokens.acmeOperator, body)).status).toBe(201);
    const conflict = await call('POST', '/api/tenants/acme/contacts', tokens.acmeOperator, body);
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { error: { code: string } }).error.code).toBe('conflict');
    // The same address is another tenant's own contact.
    expect((await call('POST', '/api/tenants/globex/contacts', tokens.globexOperator, body)).status).toBe(
      201,
    );
    const malformed = await call('POST', '/api/tenants/acme/contacts', tokens.acmeOperator, {
      identities: [{ kind: 'phone', value: '555-0123' }],
    });
    expect(malformed.status).toBe(400);
    expect((await call('POST', '/api/tenants/acme/contacts', tokens.acmeOperator, { extra: 1 })).status).toBe(
      400,
    );
    expect((await call('POST', '/api/tenants/acme/contacts', tokens.acmeViewer, {})).status).toBe(403);
  });

  it('keeps a tenant-scoped key to its tenant: another tenant’s contacts are 404, by either path', async () => {
    const created = await call('POST', '/api/tenants/acme/contacts', tokens.acmeOperator, {
      identities: [{ kind: 'phone', value: '+14155550999' }],
    });
    const { id } = (await created.json()) as { id: string };
    expect((await call('GET', '/api/tenants/acme/contacts', tokens.globexOperator)).status).toBe(404);
    expect((await call('GET', `/api/tenants/acme/contacts/${id}`, tokens.globexOperator)).status).toBe(404);
    expect((await call('DELETE', `/api/tenants/acme/contacts/${id}`, tokens.globexOperator)).status).toBe(
      404,
    );
    // Through its own tenant's path, the id of another tenant's contact is unknown.
    expect((await call('GET', `/api/tenants/globex/contacts/${id}`, tokens.globexOperator)).status).toBe(404);
    expect(
      (
        await call('POST', `/api/tenants/globex/contacts/${id}/identities`, tokens.globexOperator, {
          kind: 'email',
          value: 'x@example.com',
        })
      ).status,
    ).toBe(404);
    expect((await call('GET', `/api/tenants/acme/contacts/${id}`, tokens.acmeOperator)).status).toBe(200);
  });

  it('serves verify-start: 400 without a destination to send the code from, 403 to a viewer, 404 across tenants', async () => {
    const created = await call('POST', '/api/tenants/acme/contacts', tokens.acmeOperator, {});
    const { id } = (await created.json()) as { id: string };
    const path = `/api/tenants/acme/contacts/${id}/identities/verify-start`;
    const body = { kind: 'phone', value: '+14155550888', agentId: 'desk' };
    // This app's channels core has no SMS adapter: nothing to send the code with.
    const refused = await call('POST', path, tokens.acmeOperator, body);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/no sms destination/);
    expect((await call('POST', path, tokens.acmeOperator, { kind: 'phone', value: '+1415' })).status).toBe(
      400,
    );
    expect((await call('POST', path, tokens.acmeViewer, body)).status).toBe(403);
    expect(
      (
        await call(
          'POST',
          `/api/tenants/globex/contacts/${id}/identities/verify-start`,
          tokens.globexOperator,
          body,
        )
      ).status,
    ).toBe(404);
  });

  it('checks contacts:read and contacts:write: a viewer lists but changes nothing, a chat key does neither, another tenant’s key gets 404', async () => {
    const created = await call('POST', '/api/tenants/acme/contacts', tokens.acmeOperator, {
      identities: [{ kind: 'email', value: 'hedy@example.com' }],
    });
    const { id } = (await created.json()) as { id: string };
    const base = '/api/tenants/acme/contacts';
    const identity = { kind: 'phone', value: '+14155550777' };
    const reads: Array<[string, string]> = [
      ['GET', base],
      ['GET', `${base}/${id}`],
    ];
    const changes: Array<[string, string, unknown]> = [
      ['POST', base, {}],
      ['PATCH', `${base}/${id}`, { displayName: 'Hedy' }],
      ['DELETE', `${base}/${id}`, undefined],
      ['POST', `${base}/${id}/identities`, identity],
      ['DELETE', `${base}/${id}/identities`, identity],
      ['POST', `${base}/${id}/identities/verify-start`, { ...identity, agentId: 'desk' }],
    ];
    const denied = async (response: Response) => {
      expect(response.status).toBe(403);
      return ((await response.json()) as { error: { details: { action: string } } }).error.details.action;
    };
    for (const [method, path] of reads) {
      expect((await call(method, path, tokens.acmeViewer)).status).toBe(200);
      expect(await denied(await call(method, path, tokens.acmeChat))).toBe('contacts:read');
      expect((await call(method, path, tokens.globexViewer)).status).toBe(404);
    }
    for (const [method, path, body] of changes) {
      expect(await denied(await call(method, path, tokens.acmeViewer, body))).toBe('contacts:write');
      expect(await denied(await call(method, path, tokens.acmeChat, body))).toBe('contacts:write');
      expect((await call(method, path, tokens.globexOperator, body)).status).toBe(404);
    }
    // Nothing above changed the contact.
    const after = await call('GET', `${base}/${id}`, tokens.acmeOperator);
    expect(await after.json()).toMatchObject({
      displayName: null,
      identities: [{ value: 'hedy@example.com' }],
    });
  });

  it('pages the list with nextCursor', async () => {
    for (let index = 0; index < 3; index++) {
      await call('POST', '/api/tenants/globex/contacts', tokens.globexOperator, { displayName: `c${index}` });
    }
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${cursor}`;
      const response = await call('GET', `/api/tenants/globex/contacts${query}`, tokens.globexOperator);
      const body = (await response.json()) as { items: Array<{ id: string }>; nextCursor: string | null };
      ids.push(...body.items.map((item) => item.id));
      cursor = body.nextCursor;
      if (cursor === null) break;
    }
    expect(ids).toHaveLength(new Set(ids).size);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    expect((await call('GET', '/api/tenants/globex/contacts?limit=0', tokens.globexOperator)).status).toBe(
      400,
    );
  });
});
