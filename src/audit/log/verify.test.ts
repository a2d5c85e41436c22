/**
 * Tampering with the stored audit log by hand, with SQL, as someone with database access would, and
 * checking that verifyChain names the problem and the first bad record. On SQLite and PostgreSQL.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import type { StewardStore } from '../../store/index.js';
import { fakeClock, recordInput } from './__fixtures__/records.js';
import { AuditLog } from './audit-log.js';
import { generateCheckpointSigner } from './checkpoints.js';
import { hashRecord, type SerializedAuditRecord, sealRecord } from './record.js';
import { auditDatabase, fromRecordRow, toRecordRow } from './schema.js';
import { type VerifyChainOptions, verifyChain as verifyChainOf } from './verify.js';

const RECORDS = 25;

async function rows(store: StewardStore): Promise<SerializedAuditRecord[]> {
  const found = await auditDatabase(store.db)
    .selectFrom('audit_records')
    .selectAll()
    .where('tenant_id', '=', 'acme')
    .orderBy('seq')
    .execute();
  return found.map(fromRecordRow);
}

/** Moves records with seq >= `from` by `delta`, in two steps (a unique index is checked row by row). */
async function shift(store: StewardStore, from: number, delta: number): Promise<void> {
  await sql`update audit_records set seq = -(seq + ${delta}) where tenant_id = 'acme' and seq >= ${from}`.execute(
    store.db,
  );
  await sql`update audit_records set seq = -seq where tenant_id = 'acme' and seq < 0`.execute(store.db);
}

async function setHead(store: StewardStore, record: SerializedAuditRecord): Promise<void> {
  await sql`update audit_chain_heads set seq = ${record.seq}, hash = ${record.hash} where tenant_id = 'acme'`.execute(
    store.db,
  );
}

/** Rewrites every record from `from` on with correct hashes, as an attacker without the signing key can. */
async function rehashFrom(store: StewardStore, from: number): Promise<void> {
  const all = await rows(store);
  let prevHash = all[from - 2]!.hash;
  for (const record of all.slice(from - 1)) {
    const rehashed = { ...record, prevHash };
    rehashed.hash = hashRecord(rehashed);
    prevHash = rehashed.hash;
    await sql`update audit_records set prev_hash = ${rehashed.prevHash}, hash = ${rehashed.hash}
      where tenant_id = 'acme' and seq = ${record.seq}`.execute(store.db);
    if (record.seq === all.length) await setHead(store, rehashed);
  }
}

// SQLite twice: sequentially, and through the parallel workers (which find the break, then hand over).
const variants = [
  ...storeEngines.map((engine) => ({ name: engine.name, engine, options: { parallel: false } })),
  { name: 'sqlite in parallel', engine: storeEngines[0]!, options: { parallelMinRecords: 1 } },
];

describe.each(variants)('verifyChain on $name', ({ engine, options }) => {
  const verifyChain = (store: StewardStore, more: VerifyChainOptions = {}) =>
    verifyChainOf(store, { ...options, ...more });
  let opened: TestStore;
  let store: StewardStore;
  let log: AuditLog;
  let original: SerializedAuditRecord[];
  const clock = fakeClock();

  beforeEach(async () => {
    opened = await engine.open();
    store = opened.store;
    // Checkpoints at seq 1 (a tenant's first record), 11 and 21.
    log = new AuditLog(store, {
      now: clock.now,
      signer: generateCheckpointSigner(),
      checkpointEveryRecords: 10,
    });
    for (let index = 0; index < RECORDS; index++)
      await log.append(recordInput({ payload: { n: index + 1 } }));
    await log.append(recordInput({ tenantId: 'globex' }));
    original = await rows(store);
  });
  afterEach(async () => {
    await log.close();
    await opened.cleanup();
  });

  const problemsOf = async () => {
    const report = await verifyChain(store, { tenantId: 'acme', pageSize: 7 });
    expect(report.ok).toBe(false);
    return report.tenants[0]!.problems;
  };

  it('passes an untouched log and counts its verified checkpoints', async () => {
    const report = await verifyChain(store, { pageSize: 7 });
    expect(report.ok).toBe(true);
    expect(report.tenants).toMatchObject([
      { tenantId: 'acme', records: RECORDS, headSeq: RECORDS, checkpointsVerified: 3, problems: [] },
      { tenantId: 'globex', records: 1, headSeq: 1, checkpointsVerified: 1, problems: [] },
    ]);
  });

  it('finds a modified payload', async () => {
    await sql`update audit_records set payload = '{"n":700}' where tenant_id = 'acme' and seq = 7`.execute(
      store.db,
    );
    expect((await problemsOf())[0]).toMatchObject({ kind: 'modified', seq: 7, recordId: original[6]!.id });
  });

  it('finds modified metadata', async () => {
    await sql`update audit_records set agent_id = 'someone-else' where tenant_id = 'acme' and seq = 12`.execute(
      store.db,
    );
    expect((await problemsOf())[0]).toMatchObject({ kind: 'modified', seq: 12, recordId: original[11]!.id });
  });

  it('finds a record modified and re-hashed (the next one no longer chains to it)', async () => {
    const changed = { ...original[6]!, eventType: 'nothing-happened' };
    changed.hash = hashRecord(changed);
    await sql`update audit_records set event_type = ${changed.eventType}, hash = ${changed.hash}
      where tenant_id = 'acme' and seq = 7`.execute(store.db);
    expect((await problemsOf())[0]).toMatchObject({ kind: 'modified', seq: 7, recordId: original[6]!.id });
  });

  it('finds a deleted record, also when the later ones were renumbered', async () => {
    await sql`delete from audit_records where tenant_id = 'acme' and seq = 7`.execute(store.db);
    expect((await problemsOf())[0]).toMatchObject({ kind: 'deleted', seq: 7 });

    await shift(store, 8, -1);
    await setHead(store, { ...original.at(-1)!, seq: RECORDS - 1 });
    expect((await problemsOf())[0]).toMatchObject({ kind: 'deleted', seq: 7 });
  });

  it('finds a record inserted in the middle with the later ones shifted up', async () => {
    await shift(store, 7, 1);
    const forged = sealRecord(
      { ...original[6]!, id: 'forged', payloadJson: '{"n":"forged"}', truncated: false },
      7,
      original[5]!.hash,
    );
    await auditDatabase(store.db).insertInto('audit_records').values(toRecordRow(forged)).execute();
    const problems = await problemsOf();
    expect(problems[0]).toMatchObject({ kind: 'inserted', seq: 7, recordId: 'forged' });
  });

  it('finds two records swapped', async () => {
    await sql`update audit_records set seq = -1 where tenant_id = 'acme' and seq = 7`.execute(store.db);
    await sql`update audit_records set seq = 7 where tenant_id = 'acme' and seq = 8`.execute(store.db);
    await sql`update audit_records set seq = 8 where tenant_id = 'acme' and seq = -1`.execute(store.db);
    expect((await problemsOf())[0]).toMatchObject({ kind: 'reordered', seq: 7, recordId: original[7]!.id });
  });

  it('finds the tail truncated back to the last checkpoint (the head row remembers)', async () => {
    await sql`delete from audit_records where tenant_id = 'acme' and seq > 21`.execute(store.db);
    const problems = await problemsOf();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'truncated', seq: 22 });
  });

  it('finds the tail truncated past the last checkpoint even with the head row fixed up', async () => {
    await sql`delete from audit_records where tenant_id = 'acme' and seq > 15`.execute(store.db);
    await setHead(store, original[14]!);
    const problems = await problemsOf();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'truncated', seq: 16 });
    expect(problems[0]!.detail).toContain('checkpoint');
  });

  it('finds a forged or altered checkpoint signature', async () => {
    const forger = generateCheckpointSigner();
    await sql`update audit_checkpoints set signature = ${forger.sign('anything')}
      where tenant_id = 'acme' and seq = 11`.execute(store.db);
    expect((await problemsOf())[0]).toMatchObject({ kind: 'bad-signature', seq: 11 });

    await sql`update audit_checkpoints set signature = (select signature from audit_checkpoints where tenant_id = 'acme' and seq = 1)
      where tenant_id = 'acme' and seq = 11`.execute(store.db);
    await sql`update audit_checkpoints set record_count = 999 where tenant_id = 'acme' and seq = 21`.execute(
      store.db,
    );
    const problems = await problemsOf();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'bad-signature', seq: 11 });
  });

  it('does not believe a checkpoint signed by a key outside trustedKeys', async () => {
    const trusted = { [log.signer.keyId]: log.signer.publicKeyPem };
    expect((await verifyChain(store, { tenantId: 'acme', trustedKeys: trusted })).ok).toBe(true);
    const report = await verifyChain(store, { tenantId: 'acme', trustedKeys: {} });
    expect(report.tenants[0]!.problems[0]).toMatchObject({ kind: 'bad-signature', seq: 1 });
  });

  it('finds a head row that disagrees with the records', async () => {
    await sql`update audit_chain_heads set hash = ${'e'.repeat(64)} where tenant_id = 'acme'`.execute(
      store.db,
    );
    expect(await problemsOf()).toEqual([expect.objectContaining({ kind: 'head-mismatch', seq: RECORDS })]);

    await setHead(store, original[19]!);
    expect(await problemsOf()).toEqual([expect.objectContaining({ kind: 'head-mismatch', seq: 21 })]);

    await sql`delete from audit_chain_heads where tenant_id = 'acme'`.execute(store.db);
    expect(await problemsOf()).toEqual([expect.objectContaining({ kind: 'head-mismatch' })]);
  });

  it('finds a chain rewritten from a modified record on, through the signed checkpoints', async () => {
    await sql`update audit_records set payload = '{"n":"rewritten"}' where tenant_id = 'acme' and seq = 5`.execute(
      store.db,
    );
    await rehashFrom(store, 5);
    const problems = await problemsOf();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'modified', seq: 11 });
    expect(problems[0]!.detail).toContain('checkpoint');
  });

  it('checks one tenant without reading the others', async () => {
    await sql`update audit_records set payload = '{}' where tenant_id = 'globex'`.execute(store.db);
    expect((await verifyChain(store, { tenantId: 'acme' })).ok).toBe(true);
    const all = await verifyChain(store);
    expect(all.tenants.map((tenant) => [tenant.tenantId, tenant.problems.length])).toEqual([
      ['acme', 0],
      ['globex', 1],
    ]);
  });
});
