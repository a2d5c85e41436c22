import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countedStore } from '../../../test/support/counted-store.js';
import { storeEngines, type TestEngine, type TestStore } from '../../../test/support/engines.js';
import { StewardError } from '../../errors/index.js';
import { openStore } from '../../store/index.js';
import { fakeClock, recordInput } from './__fixtures__/records.js';
import { AuditLog, type AuditLogOptions } from './audit-log.js';
import { generateCheckpointSigner } from './checkpoints.js';
import { GENESIS_HASH } from './record.js';
import { auditDatabase } from './schema.js';
import { verifyChain } from './verify.js';

const memoryEngine: TestEngine = {
  name: 'sqlite',
  async open(extra = {}) {
    const config = { path: ':memory:', ...extra };
    const store = await openStore(config, {});
    return { store, config, cleanup: () => store.close() };
  },
};
const engines = [
  ...storeEngines.map((engine) => ({
    label: engine.name === 'sqlite' ? 'sqlite file' : engine.name,
    engine,
  })),
  { label: 'sqlite :memory:', engine: memoryEngine },
];

describe.each(engines)('AuditLog on $label', ({ engine }) => {
  let opened: TestStore | undefined;
  let log: AuditLog | undefined;
  const clock = fakeClock();
  const open = async (options: AuditLogOptions = {}) => {
    opened = await engine.open();
    log = new AuditLog(opened.store, { now: clock.now, signer: generateCheckpointSigner(), ...options });
    return { store: opened.store, log };
  };
  afterEach(async () => {
    await log?.close();
    await opened?.cleanup();
    log = undefined;
    opened = undefined;
  });

  it('appends records with contiguous seqs, chained hashes and a head that follows', async () => {
    const { store, log } = await open();
    const [first] = await log.append(recordInput({ payload: { b: 1, a: 'x' } }));
    const rest = await log.append([recordInput(), recordInput()]);
    expect(first).toMatchObject({
      tenantId: 'acme',
      seq: 1,
      prevHash: GENESIS_HASH,
      payload: { a: 'x', b: 1 },
    });
    expect(rest.map((record) => record.seq)).toEqual([2, 3]);
    expect(rest[0]!.prevHash).toBe(first!.hash);
    expect(rest[1]!.prevHash).toBe(rest[0]!.hash);
    const head = await auditDatabase(store.db)
      .selectFrom('audit_chain_heads')
      .selectAll()
      .where('tenant_id', '=', 'acme')
      .executeTakeFirstOrThrow();
    expect({ seq: Number(head.seq), hash: head.hash }).toEqual({ seq: 3, hash: rest[1]!.hash });
    expect((await verifyChain(store)).ok).toBe(true);
  });

  it('remembers a bounded number of tenants, and a forgotten tenant appends on its chain as before', async () => {
    const { store, log } = await open({ knownTenantsCached: 3 });
    const tenants = Array.from({ length: 10 }, (_, index) => `tenant-${index}`);
    const firsts = [];
    for (const tenantId of tenants) firsts.push((await log.append(recordInput({ tenantId })))[0]!);
    // One process sees millions of tenants: what it remembers of them stays at the bound.
    expect((log as unknown as { knownTenants: { size: number } }).knownTenants.size).toBe(3);
    const [again] = await log.append(recordInput({ tenantId: 'tenant-0' }));
    expect(again).toMatchObject({ tenantId: 'tenant-0', seq: 2, prevHash: firsts[0]!.hash });
    const heads = await auditDatabase(store.db).selectFrom('audit_chain_heads').select('tenant_id').execute();
    expect(heads).toHaveLength(10);
    expect((await verifyChain(store)).ok).toBe(true);
  });

  it("checkpoints a sweep of thousands of tenants in several transactions, past the engine's parameter limit", async () => {
    const { store, log } = await open({ knownTenantsCached: 1, checkpointEveryRecords: 1_000_000 });
    const tenants = Array.from({ length: 7_000 }, (_, index) => `tenant-${index}`);
    // A tenant's first record is checkpointed at once; its second waits for the sweep.
    for (let round = 0; round < 2; round++)
      await Promise.all(tenants.map((tenantId) => log.append(recordInput({ tenantId }))));
    // One transaction for all of them bound 7,000 x 5 head values: more than SQLite's 32,766 parameters.
    clock.advance(60_000);
    const written = await log.checkpointDue();
    expect(written).toHaveLength(7_000);
    const checkpointed = await auditDatabase(store.db)
      .selectFrom('audit_checkpoints')
      .select((builder) => builder.fn.count<number>('tenant_id').distinct().as('tenants'))
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow();
    expect(Number(checkpointed.tenants)).toBe(7_000);
  }, 60_000);

  it('groups concurrent callers into shared commits and keeps one chain per tenant', async () => {
    opened = await engine.open();
    const counted = countedStore(opened.store);
    log = new AuditLog(counted.store, {
      now: clock.now,
      signer: generateCheckpointSigner(),
      maxBatchRecords: 50,
    });
    const tenants = ['acme', 'globex', 'initech'];
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, index) => log!.append(recordInput({ tenantId: tenants[index % 3]! }))),
    );
    expect(counted.commits()).toBeGreaterThanOrEqual(6); // bounded batch size: 300 / 50
    expect(counted.commits()).toBeLessThan(30);
    for (const tenantId of tenants) {
      const seqs = results
        .flat()
        .filter((record) => record.tenantId === tenantId)
        .map((record) => record.seq)
        .sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
    }
    const report = await verifyChain(opened.store);
    expect(report.ok).toBe(true);
    expect(report.tenants.map((tenant) => [tenant.tenantId, tenant.records])).toEqual(
      tenants.map((t) => [t, 100]),
    );
  });

  it('commits at once when idle: no timer stands between an append and its commit', async () => {
    const { store, log } = await open();
    // With timers frozen, an append that waited on a batching timer would never resolve.
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
    try {
      const [first] = await log.append(recordInput());
      const batch = await Promise.all([log.append(recordInput()), log.append(recordInput())]);
      expect([first!.seq, ...batch.flat().map((record) => record.seq)]).toEqual([1, 2, 3]);
    } finally {
      vi.useRealTimers();
    }
    expect((await verifyChain(store)).ok).toBe(true);
  });

  it('serves sequential awaiting callers without waiting for a full batch', async () => {
    const { store, log } = await open({ maxBatchWaitMs: 2 });
    for (let index = 1; index <= 20; index++) {
      const [record] = await log.append(recordInput());
      expect(record!.seq).toBe(index);
    }
    expect((await verifyChain(store)).ok).toBe(true);
  });

  it('rejects every caller of a failed commit and leaves the chain intact', async () => {
    opened = await engine.open();
    const counted = countedStore(opened.store);
    log = new AuditLog(counted.store, { now: clock.now, signer: generateCheckpointSigner() });
    await log.append(recordInput());
    counted.failNext();
    const failed = await Promise.allSettled([log.append(recordInput()), log.append(recordInput())]);
    for (const outcome of failed) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as StewardError;
      expect(reason.code).toBe('store-unavailable');
      expect(reason.message).toContain('disk full');
    }
    const [next] = await log.append(recordInput());
    expect(next!.seq).toBe(2);
    const report = await verifyChain(opened.store);
    expect(report.ok).toBe(true);
    expect(report.tenants[0]!.records).toBe(2);
  });

  it('survives hostile input: bad callers are refused alone, odd but valid data is stored safely', async () => {
    const { store, log } = await open({ maxPayloadBytes: 2_048 });
    const cyclic: Record<string, unknown> = {};
    cyclic.again = cyclic;
    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 10_000; level++) deep = { deep };
    const outcomes = await Promise.allSettled([
      log.append(recordInput({ payload: { big: 10n } })),
      log.append(recordInput({ payload: { call: () => 1 } })),
      log.append(recordInput({ payload: cyclic })),
      log.append(recordInput({ payload: deep })),
      log.append(recordInput({ payload: { n: Number.NaN } })),
      log.append(recordInput({ tenantId: 'x'.repeat(500) })),
      log.append(recordInput({ payload: { text: 'lone \uD800 surrogate', 'key\uDFFF': 1 } })),
      log.append(recordInput({ payload: { text: 'ctl \u0000\u0007\u001b\u2028 end' } })),
      log.append(recordInput({ payload: { text: 'y'.repeat(1_000_000) } })),
      log.append(recordInput({ actor: 'ops\uD83D' })),
    ]);
    const refused = outcomes.slice(0, 6);
    for (const outcome of refused) {
      expect(outcome.status).toBe('rejected');
      expect(((outcome as PromiseRejectedResult).reason as StewardError).code).toBe('invalid-request');
    }
    const stored = outcomes.slice(6).map((outcome) => {
      expect(outcome.status).toBe('fulfilled');
      return (outcome as PromiseFulfilledResult<Awaited<ReturnType<AuditLog['append']>>>).value[0]!;
    });
    expect(stored[0]!.payload).toEqual({ text: 'lone \uFFFD surrogate', 'key\uFFFD': 1 });
    expect(stored[1]!.payload).toEqual({ text: 'ctl \u0000\u0007\u001b\u2028 end' });
    expect(stored[2]!.payload).toMatchObject({ truncated: true, limitBytes: 2_048 });
    expect(stored[3]!.actor).toBe('ops\uFFFD');
    expect(stored.map((record) => record.seq)).toEqual([1, 2, 3, 4]);
    expect((await verifyChain(store)).ok).toBe(true);
  });

  it('signs checkpoints by record count, by elapsed time, on demand and on close', async () => {
    const { store, log } = await open({ checkpointEveryRecords: 5, checkpointEveryMs: 60_000 });
    await log.append(recordInput()); // a tenant's first record is signed at once
    for (let index = 0; index < 6; index++) await log.append(recordInput());
    const checkpoints = async () =>
      (
        await auditDatabase(store.db)
          .selectFrom('audit_checkpoints')
          .select(['seq', 'reason'])
          .orderBy('seq')
          .execute()
      ).map((row) => [Number(row.seq), row.reason]);
    expect(await checkpoints()).toEqual([
      [1, 'interval'],
      [6, 'interval'],
    ]);

    await log.append(recordInput());
    expect(await log.checkpointDue()).toEqual([]); // not old enough yet
    clock.advance(60_000);
    const due = await log.checkpointDue();
    expect(due.map((checkpoint) => checkpoint.seq)).toEqual([8]);

    await log.append(recordInput());
    const manual = await log.checkpoint('acme');
    expect(manual).toMatchObject({ seq: 9, reason: 'manual', recordCount: 9, signerKeyId: log.signer.keyId });
    expect(await log.checkpoint('acme', 'archive')).toEqual(manual); // an already signed head is not re-signed
    expect(await log.checkpoint('nobody')).toBeUndefined();

    await log.append(recordInput());
    await log.close();
    expect((await checkpoints()).at(-1)).toEqual([10, 'close']);
    const report = await verifyChain(store);
    expect(report.ok).toBe(true);
    expect(report.tenants[0]!.checkpointsVerified).toBe(5);
  });

  it('commits what is queued on close and refuses appends afterwards', async () => {
    const { store, log } = await open({ maxBatchWaitMs: 50 });
    const pending = log.append(recordInput());
    await log.close();
    expect((await pending)[0]!.seq).toBe(1);
    await expect(log.append(recordInput())).rejects.toMatchObject({ code: 'shutting-down' });
    expect((await verifyChain(store)).tenants[0]!.records).toBe(1);
  });

  it('validates its options once', async () => {
    opened = await engine.open();
    expect(() => new AuditLog(opened!.store, { maxBatchRecords: 0 })).toThrow(/maxBatchRecords/);
    expect(() => new AuditLog(opened!.store, { unknown: 1 } as never)).toThrow(/unknown/);
  });
});

describe('AuditLog signing key', () => {
  it('creates audit-signing.key (mode 0600) beside a SQLite file and reuses it', async () => {
    const opened = await storeEngines[0]!.open();
    try {
      const first = new AuditLog(opened.store);
      await first.close();
      const keyPath = join(dirname(opened.store.location), 'audit-signing.key');
      expect(statSync(keyPath).mode & 0o777).toBe(0o600);
      const second = new AuditLog(opened.store);
      expect(second.signer.keyId).toBe(first.signer.keyId);
      await second.close();
    } finally {
      await opened.cleanup();
    }
  });

  it('prefers STEWARD_AUDIT_SIGNING_KEY', async () => {
    const store = await openStore({ path: ':memory:' }, {});
    try {
      const seed = '22'.repeat(32);
      const one = new AuditLog(store, {}, { STEWARD_AUDIT_SIGNING_KEY: seed });
      const two = new AuditLog(store, { signingKey: seed }, {});
      expect(one.signer.keyId).toBe(two.signer.keyId);
      await Promise.all([one.close(), two.close()]);
      expect(() => new AuditLog(store, {}, { STEWARD_AUDIT_SIGNING_KEY: 'short' })).toThrow(StewardError);
    } finally {
      await store.close();
    }
  });
});
