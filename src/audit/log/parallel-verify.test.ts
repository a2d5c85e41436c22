import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { fakeClock, recordInput } from './__fixtures__/records.js';
import { AuditLog } from './audit-log.js';
import { ChainVerifier } from './chain-verifier.js';
import { generateCheckpointSigner } from './checkpoints.js';
import { verifyChainInParallel } from './parallel-verify.js';
import { GENESIS_HASH, hashRecord } from './record.js';
import { auditDatabase, fromRecordRow } from './schema.js';

const RECORDS = 480;
const sqlite = storeEngines.find((engine) => engine.name === 'sqlite')!;

describe('verifyChainInParallel (SQLite file, worker threads)', () => {
  let opened: TestStore;
  let anchors: Map<number, string>;

  beforeEach(async () => {
    opened = await sqlite.open();
    const log = new AuditLog(opened.store, {
      now: fakeClock().now,
      signer: generateCheckpointSigner(),
      checkpointEveryRecords: 100,
    });
    for (let start = 0; start < RECORDS; start += 40) {
      await log.append(
        Array.from({ length: 40 }, (_, index) => recordInput({ payload: { n: start + index } })),
      );
    }
    await log.append(recordInput({ tenantId: 'globex' }));
    await log.close();
    const checkpoints = await auditDatabase(opened.store.db)
      .selectFrom('audit_checkpoints')
      .select(['seq', 'head_hash'])
      .where('tenant_id', '=', 'acme')
      .execute();
    anchors = new Map(checkpoints.map((row) => [Number(row.seq), row.head_hash]));
  });
  afterEach(async () => {
    await opened.cleanup();
  });

  const run = (workers = 2) =>
    verifyChainInParallel({
      path: opened.store.location,
      tenantId: 'acme',
      fromSeq: 1,
      toSeq: RECORDS,
      expectedPrevHash: GENESIS_HASH,
      anchors,
      workers,
      rangeRecords: 50,
    });

  it('agrees with the sequential verifier on an intact chain split over 10 ranges, with 0 (the calling thread alone) to 3 workers', async () => {
    const rows = await auditDatabase(opened.store.db)
      .selectFrom('audit_records')
      .selectAll()
      .where('tenant_id', '=', 'acme')
      .orderBy('seq')
      .execute();
    const sequential = new ChainVerifier({ anchors });
    sequential.push(rows.map(fromRecordRow));
    sequential.finish();
    expect(sequential.ok).toBe(true);
    expect(anchors.size).toBeGreaterThanOrEqual(4);
    for (const workers of [0, 1, 2, 3]) {
      expect(await run(workers)).toEqual({
        records: RECORDS,
        lastSeq: RECORDS,
        lastHash: sequential.lastHash,
        anchorsMatched: sequential.anchorsMatched,
      });
    }
  });

  it.each([
    [
      'a payload edited inside a range',
      sql`update audit_records set payload = '{"n":-1}' where tenant_id = 'acme' and seq = 123`,
    ],
    [
      'the first record of a range deleted',
      sql`delete from audit_records where tenant_id = 'acme' and seq = 151`,
    ],
    ['the last record deleted', sql`delete from audit_records where tenant_id = 'acme' and seq = ${RECORDS}`],
    [
      'a record moved to another seq',
      sql`update audit_records set seq = 100000 where tenant_id = 'acme' and seq = 260`,
    ],
  ])('says the chain is not intact with %s', async (_, tamper) => {
    await tamper.execute(opened.store.db);
    expect(await run()).toBeUndefined();
    expect(await run(0)).toBeUndefined();
  });

  it('catches a break between ranges: records re-hashed from a range start on, each range alone consistent', async () => {
    const db = auditDatabase(opened.store.db);
    const rows = (
      await db
        .selectFrom('audit_records')
        .selectAll()
        .where('tenant_id', '=', 'acme')
        .orderBy('seq')
        .execute()
    ).map(fromRecordRow);
    // From seq 201 on (a range start), an attacker rewrites payloads and re-hashes the chain onward,
    // starting from a made-up prevHash: every range but the join at 200/201 checks out on its own.
    let prevHash = 'f'.repeat(64);
    for (const record of rows.slice(200)) {
      const rewritten = { ...record, payload: '{"n":0}', prevHash };
      rewritten.hash = hashRecord(rewritten);
      prevHash = rewritten.hash;
      await sql`update audit_records set payload = ${rewritten.payload}, prev_hash = ${rewritten.prevHash},
        hash = ${rewritten.hash} where tenant_id = 'acme' and seq = ${record.seq}`.execute(opened.store.db);
    }
    expect(await run()).toBeUndefined();
    // Without the anchors (signed checkpoints) only the join gives it away, and does.
    anchors = new Map();
    expect(await run()).toBeUndefined();
  });
});
