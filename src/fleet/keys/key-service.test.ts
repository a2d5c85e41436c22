import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { searchAuditRecords } from '../../audit/index.js';
import { openStore, type StewardStore } from '../../store/index.js';
import { createPlatformAuditSink, type PlatformAuditSink } from './audit-sink.js';
import { ApiKeyService, KEYS_AGENT_ID, type KeyAuditSink, PLATFORM_TENANT_ID } from './key-service.js';
import { parseToken } from './token.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe.each(storeEngines)('API keys on $name', (engine) => {
  let clock = 1_700_000_000_000;
  const now = () => clock;

  async function open(): Promise<{ test: TestStore; keys: ApiKeyService; audit: PlatformAuditSink }> {
    const test = await engine.open();
    const audit = createPlatformAuditSink(test.store, {});
    const keys = await ApiKeyService.open(test.store, { audit, now });
    cleanups.push(test.cleanup);
    cleanups.push(() => audit.close());
    cleanups.push(() => keys.close());
    return { test, keys, audit };
  }

  /** A second instance on the same database: its own store (pool, connection) and its own service. */
  async function secondInstance(test: TestStore): Promise<{ store: StewardStore; keys: ApiKeyService }> {
    const store = await openStore(test.config, {});
    const keys = await ApiKeyService.open(store, { audit: createPlatformAuditSink(store, {}), now });
    cleanups.push(() => store.close());
    cleanups.push(() => keys.close());
    return { store, keys };
  }

  it('creates a key whose token is shown once and works, while the stored row holds nothing usable', async () => {
    const { test, keys } = await open();
    const created = await keys.create(
      { name: 'front desk', role: 'chat', tenants: ['acme', 'acme'] },
      'cli:alice',
    );
    expect(created.key).toMatchObject({
      name: 'front desk',
      role: 'chat',
      tenants: ['acme'],
      status: 'active',
      createdBy: 'cli:alice',
      expiresAt: null,
    });
    expect(await keys.check(created.token)).toEqual({
      ok: true,
      caller: { keyId: created.key.id, keyName: 'front desk', role: 'chat', tenants: ['acme'] },
    });

    const { secret } = parseToken(created.token)!;
    const rows = await sql<Record<string, unknown>>`select * from api_keys`.execute(test.store.db);
    const stored = JSON.stringify(rows.rows);
    expect(stored).toContain(created.key.id);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(created.token);
    // The stored hash, presented as a secret or as a whole token, is refused.
    const hash = String(rows.rows[0]!.secret_hash);
    expect((await keys.check(`stw_${created.key.id}_${hash.slice(0, 43)}`)).ok).toBe(false);
    expect((await keys.check(hash)).ok).toBe(false);
    // A wrong secret for a real id reads like an unknown key.
    const wrong = `stw_${created.key.id}_${'A'.repeat(43)}`;
    expect(await keys.check(wrong)).toEqual({ ok: false, reason: 'unknown' });

    const listed = await keys.list();
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(JSON.stringify(listed)).not.toContain(hash);
  });

  it('refuses a key from the moment it expires, and lists it as expired', async () => {
    const { keys } = await open();
    await expect(
      keys.create({ name: 'past', role: 'viewer', tenants: '*', expiresAt: clock - 1 }, 'cli:alice'),
    ).rejects.toMatchObject({ code: 'invalid-request' });
    const created = await keys.create(
      { name: 'temp', role: 'viewer', tenants: '*', expiresAt: clock + 60_000 },
      'cli:alice',
    );
    expect((await keys.check(created.token)).ok).toBe(true);
    clock += 59_999;
    expect((await keys.check(created.token)).ok).toBe(true);
    clock += 1;
    expect(await keys.check(created.token)).toEqual({
      ok: false,
      reason: 'expired',
      keyId: created.key.id,
      expiresAt: created.key.expiresAt,
    });
    expect((await keys.list())[0]!.status).toBe('expired');
  });

  it('refuses a revoked key on another instance at its very next check, though that instance cached it', async () => {
    const { test, keys: first } = await open();
    const second = await secondInstance(test);
    const created = await first.create({ name: 'ops', role: 'operator', tenants: '*' }, 'cli:alice');
    expect((await second.keys.check(created.token)).ok).toBe(true);

    // Proof that the second instance answers from its cache: a change written behind the services'
    // backs (no epoch bump, no notification) is not seen.
    await sql`update api_keys set role = 'viewer'`.execute(test.store.db);
    expect(await second.keys.check(created.token)).toMatchObject({ ok: true, caller: { role: 'operator' } });

    const revoked = await first.revoke(created.key.id, 'cli:alice');
    expect(revoked.alreadyRevoked).toBe(false);
    if (engine.name === 'postgres') expect(revoked.propagation).toEqual({ instances: 2, confirmed: 2 });
    expect(await second.keys.check(created.token)).toEqual({
      ok: false,
      reason: 'revoked',
      keyId: created.key.id,
    });
    expect((await first.check(created.token)).ok).toBe(false);

    const again = await second.keys.revoke(created.key.id, 'cli:bob');
    expect(again).toMatchObject({ alreadyRevoked: true, key: { status: 'revoked', revokedBy: 'cli:alice' } });
    await expect(second.keys.revoke('nosuchkey000', 'cli:bob')).rejects.toMatchObject({ code: 'not-found' });
  });

  it.runIf(engine.name === 'postgres')(
    'never trusts its cache across a dropped LISTEN connection (a missed notification cannot keep a key alive)',
    async () => {
      const { test, keys: first } = await open();
      const second = await secondInstance(test);
      const created = await first.create({ name: 'ops', role: 'operator', tenants: '*' }, 'cli:alice');
      expect((await second.keys.check(created.token)).ok).toBe(true);
      // Every LISTEN connection is cut, then the key is revoked with no notification at all.
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and application_name = 'steward-api-keys'`.execute(test.store.db);
      await sql`update api_keys set revoked_at = 1, revoked_by = 'dba'`.execute(test.store.db);
      // The instance learns of the cut when its socket closes (an event that may come a moment after the
      // update under load); from then on, whether the connection is still down (cache bypassed) or already
      // back (cache emptied on reconnect), the key is refused.
      await expect.poll(async () => (await second.keys.check(created.token)).ok, { timeout: 2_000 }).toBe(false);
      for (let attempt = 0; attempt < 20; attempt++) {
        expect((await second.keys.check(created.token)).ok).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  );

  it('tells the other instances that a first key now exists (the keyless local demo ends everywhere)', async () => {
    const { test, keys: first } = await open();
    const second = await secondInstance(test);
    expect(await second.keys.anyKey()).toBe(false);
    expect(await second.keys.anyKey()).toBe(false);
    await first.create({ name: 'first admin', role: 'admin', tenants: '*' }, 'cli:alice');
    if (engine.name === 'postgres') {
      // A creation is not waited for (nothing cached can hold a key that did not exist); its notice is quick.
      await expect.poll(() => second.keys.anyKey(), { timeout: 2_000, interval: 5 }).toBe(true);
    } else {
      expect(await second.keys.anyKey()).toBe(true);
    }
  });

  it('records every change in the audit log with the actor, never the token or its hash', async () => {
    const { test, keys } = await open();
    const created = await keys.create(
      { name: 'billing bot', role: 'viewer', tenants: ['acme'], expiresAt: clock + 86_400_000 },
      'key:abc (root) on behalf of alice',
    );
    await keys.revoke(created.key.id, 'cli:bob');
    const page = await searchAuditRecords(test.store, { tenantId: PLATFORM_TENANT_ID });
    const records = [...page.records].reverse();
    expect(records.map((record) => [record.agentId, record.eventType, record.actor])).toEqual([
      [KEYS_AGENT_ID, 'api-key-created', 'key:abc (root) on behalf of alice'],
      [KEYS_AGENT_ID, 'api-key-revoked', 'cli:bob'],
    ]);
    expect(records[0]!.payload).toMatchObject({
      keyId: created.key.id,
      name: 'billing bot',
      role: 'viewer',
      tenants: ['acme'],
      expiresAt: new Date(clock + 86_400_000).toISOString(),
    });
    const rows = await sql<{ secret_hash: string }>`select secret_hash from api_keys`.execute(test.store.db);
    const everything = JSON.stringify(records);
    expect(everything).not.toContain(parseToken(created.token)!.secret);
    expect(everything).not.toContain(rows.rows[0]!.secret_hash);
  });

  it('does not keep a key whose audit record could not be written', async () => {
    const test = await engine.open();
    cleanups.push(test.cleanup);
    const failing: KeyAuditSink = { append: async () => Promise.reject(new Error('audit log down')) };
    const keys = await ApiKeyService.open(test.store, { audit: failing, now });
    cleanups.push(() => keys.close());
    await expect(keys.create({ name: 'x', role: 'admin', tenants: '*' }, 'cli:alice')).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('its audit record could not be written'),
    });
    expect(await keys.list()).toEqual([]);
  });

  it('validates the request: role, tenants, name', async () => {
    const { keys } = await open();
    for (const request of [
      { name: '', role: 'admin', tenants: '*' },
      { name: 'x', role: 'owner', tenants: '*' },
      { name: 'x', role: 'admin', tenants: [] },
      { name: 'x', role: 'admin', tenants: ['has space'] },
      { name: 'bell\u0007', role: 'admin', tenants: '*' },
      { name: 'x', role: 'admin', tenants: '*', extra: true },
    ]) {
      await expect(
        keys.create(request as Parameters<ApiKeyService['create']>[0], 'cli:alice'),
        JSON.stringify(request),
      ).rejects.toMatchObject({ code: 'invalid-request' });
    }
  });

  it('refuses a key scoped to a tenant that does not exist, when it knows the tenants', async () => {
    const test = await engine.open();
    cleanups.push(test.cleanup);
    const audit = createPlatformAuditSink(test.store, {});
    cleanups.push(() => audit.close());
    const known = new Set(['acme', 'globex']);
    const keys = await ApiKeyService.open(test.store, {
      audit,
      now,
      tenantExists: async (tenantId) => known.has(tenantId),
    });
    cleanups.push(() => keys.close());
    await expect(
      keys.create({ name: 'typo', role: 'chat', tenants: ['acme', 'acmee', 'globx'] }, 'cli:alice'),
    ).rejects.toMatchObject({
      code: 'invalid-request',
      details: { field: 'tenants', unknown: ['acmee', 'globx'] },
    });
    expect(await keys.list()).toEqual([]);
    const created = await keys.create({ name: 'ok', role: 'chat', tenants: ['acme', 'globex'] }, 'cli:alice');
    expect(created.key.tenants).toEqual(['acme', 'globex']);
    // Every tenant, including ones created later: nothing to check.
    await keys.create({ name: 'all', role: 'viewer', tenants: '*' }, 'cli:alice');
  });
});
