import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type StewardStore } from '../store/index.js';
import { createApp } from './app.js';
import { createMetrics } from './metrics.js';
import { createReadinessCheck, type NotReadyReason } from './readiness.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function sqliteStore(): Promise<StewardStore> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-ready-'));
  const store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '44'.repeat(32) }, {});
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

/** The real store, counting its pings. */
function counted(store: StewardStore): { store: StewardStore; pings: () => number } {
  let pings = 0;
  return {
    store: {
      ...store,
      ping: (options) => {
        pings++;
        return store.ping(options);
      },
    },
    pings: () => pings,
  };
}

describe('createReadinessCheck', () => {
  it('checks the store at most once per cacheMs, and probes during a check share it', async () => {
    const { store, pings } = counted(await sqliteStore());
    let clock = 1_000;
    const readiness = createReadinessCheck({ store, draining: () => false, now: () => clock });
    expect(await Promise.all([readiness(), readiness(), readiness()])).toEqual([
      { status: 'ready' },
      { status: 'ready' },
      { status: 'ready' },
    ]);
    expect(pings()).toBe(1);
    clock += 999;
    await readiness();
    expect(pings()).toBe(1);
    clock += 1;
    await readiness();
    expect(pings()).toBe(2);
  });

  it('says migrations-pending when the database lacks one, once the cached answer expires', async () => {
    const store = await sqliteStore();
    let clock = 0;
    const told: NotReadyReason[] = [];
    const readiness = createReadinessCheck({
      store,
      draining: () => false,
      now: () => clock,
      onNotReady: (reason) => told.push(reason),
    });
    expect(await readiness()).toEqual({ status: 'ready' });
    await sql`delete from steward_migrations where name = '0009-audit-conversation-index'`.execute(store.db);
    expect(await readiness()).toEqual({ status: 'ready' });
    clock += 1_000;
    expect(await readiness()).toEqual({ status: 'not-ready', reason: 'migrations-pending' });
    clock += 1_000;
    expect(await readiness()).toEqual({ status: 'not-ready', reason: 'migrations-pending' });
    // Told once per change, not on every probe.
    expect(told).toEqual(['migrations-pending']);
  });

  it('says store-unreachable when the ping fails, and shutting-down while draining', async () => {
    const store = await sqliteStore();
    let draining = false;
    let clock = 0;
    const errors: unknown[] = [];
    const readiness = createReadinessCheck({
      store,
      draining: () => draining,
      now: () => clock,
      onNotReady: (_reason, error) => errors.push(error),
    });
    expect(await readiness()).toEqual({ status: 'ready' });
    await store.close();
    clock += 1_000;
    expect(await readiness()).toEqual({ status: 'not-ready', reason: 'store-unreachable' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'store-unavailable' });
    draining = true;
    expect(await readiness()).toEqual({ status: 'not-ready', reason: 'shutting-down' });
  });
});

describe('GET /readyz', () => {
  it('answers 200 ready, 503 migrations-pending, and 503 shutting-down; /healthz stays liveness', async () => {
    const store = await sqliteStore();
    const app = createApp({ agents: [], store, metrics: createMetrics({ processMetrics: false }) });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const second = await openStore({ path: store.location, encryptionKey: '44'.repeat(32) }, {});
    cleanups.push(() => second.close());
    await sql`delete from steward_migrations where name = '0009-audit-conversation-index'`.execute(second.db);
    const logged: string[] = [];
    const fresh = createApp({
      agents: [],
      store: second,
      metrics: createMetrics({ processMetrics: false }),
      logError: (line) => logged.push(line),
    });
    const pending = await fresh.request('/readyz');
    expect(pending.status).toBe(503);
    expect(await pending.json()).toEqual({ status: 'not-ready', reason: 'migrations-pending' });
    expect((await fresh.request('/healthz')).status).toBe(200);
    expect(logged).toEqual(['[steward] not ready: migrations-pending']);

    fresh.lifecycle.startDraining();
    const draining = await fresh.request('/readyz');
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({ status: 'not-ready', reason: 'shutting-down' });
  });

  it('needs no API token, like /healthz', async () => {
    const store = await sqliteStore();
    const app = createApp({
      agents: [],
      store,
      apiToken: 'secret-token',
      metrics: createMetrics({ processMetrics: false }),
    });
    expect((await app.request('/readyz')).status).toBe(200);
    expect((await app.request('/api/interactions')).status).toBe(401);
  });
});
