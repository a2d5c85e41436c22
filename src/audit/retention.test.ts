import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { startS3Server, type TestS3Server } from './archive/__support__/s3-test-server.js';
import { createArchiveStore, createS3ArchiveStore } from './archive/index.js';
import { Audit } from './audit.js';
import { verifyChain } from './log/index.js';
import { auditDatabase } from './log/schema.js';
import { AuditRetention } from './retention.js';

const DAY = 86_400_000;
const scope = { tenantId: 'acme', agentId: 'desk', interactionId: 'i', conversationId: 'c', channel: 'api' };

let s3: TestS3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.close();
});

describe.each(storeEngines)('audit retention on $name', (engine) => {
  let opened: TestStore | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function setUp(
    options: { archive?: 'file' | 's3'; segmentMaxRecords?: number } = { archive: 'file' },
  ) {
    opened = await engine.open();
    dir = mkdtempSync(join(tmpdir(), 'steward-retention-'));
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const now = () => clock;
    const audit = new Audit(
      opened.store,
      { level: 'standard' },
      { now, log: { now, checkpointEveryRecords: 1_000_000, conversationIndexEvery: 3 } },
    );
    const archive =
      options.archive === 'file'
        ? createArchiveStore(`file://${dir}`)
        : options.archive === 's3'
          ? createS3ArchiveStore(
              s3.config(`retention-${engine.name}`, { objectLock: { mode: 'GOVERNANCE' } }),
            )
          : undefined;
    const retention = new AuditRetention(
      opened.store,
      audit,
      { duration: '90d' },
      { ...(archive ? { archive } : {}), now, segmentMaxRecords: options.segmentMaxRecords ?? 50_000 },
    );
    const write = async (count: number, tenantId = 'acme') => {
      for (let index = 0; index < count; index++) {
        await audit.recordEvent({
          name: 'message-received',
          payload: { ...scope, tenantId, at: clock, text: `message ${index} from jo@example.com` },
        });
        clock += 1_000;
      }
    };
    return {
      audit,
      retention,
      write,
      advance: (ms: number) => {
        clock += ms;
      },
    };
  }

  it('archives and purges records past the retention, keeps the chain verifiable, and records each step', async () => {
    const { audit, retention, write, advance } = await setUp({ archive: 'file', segmentMaxRecords: 4 });
    await write(10);
    await write(3, 'globex');
    advance(91 * DAY);
    await write(2);
    const [acme, globex] = await retention.run();
    expect(acme).toMatchObject({ tenantId: 'acme', purgedRecords: 10, held: false });
    expect(acme!.archived.map((segment) => [segment.firstSeq, segment.lastSeq])).toEqual([
      [1, 4],
      [5, 8],
      [9, 10],
    ]);
    expect(globex).toMatchObject({ tenantId: 'globex', purgedRecords: 3 });
    const files = readdirSync(join(dir!, 'acme')).sort();
    expect(files).toContain('1-4.jsonl.gz');
    expect(files).toContain('1-4.manifest.json');
    const report = await verifyChain(opened!.store);
    expect(report.ok).toBe(true);
    expect((await retention.verifyArchives('acme')).ok).toBe(true);
    // The conversation lookup lost the purged records with them; the later ones are still found.
    const lookup = await auditDatabase(opened!.store.db)
      .selectFrom('audit_conversation_seqs')
      .select('seq')
      .where('tenant_id', '=', 'acme')
      .execute();
    expect(lookup.every((row) => Number(row.seq) > 10)).toBe(true);
    const conversation = await audit.search({ tenantId: 'acme', conversationId: 'c', limit: 100 });
    expect(conversation.records.map((record) => Number(record.seq))).toEqual([12, 11]);
    const status = await retention.status('acme');
    expect(status).toMatchObject({
      purgedThroughSeq: 10,
      archivedSegments: 3,
      legalHold: null,
      duration: '90d',
    });
    const events = (await audit.search({ tenantId: 'acme', limit: 100 })).records.map(
      (record) => record.eventType,
    );
    expect(events.filter((name) => name === 'audit-archived')).toHaveLength(3);
    expect(events.filter((name) => name === 'audit-purged')).toHaveLength(3);
    // Nothing new to do on a second run.
    expect((await retention.run({ tenantId: 'acme' }))[0]).toMatchObject({ archived: [], purgedRecords: 0 });
    await audit.close();
  });

  it('keeps records under legal hold until it is released, and detects tampered archives and purges', async () => {
    const { audit, retention, write, advance } = await setUp();
    await write(5);
    advance(91 * DAY);
    await retention.setLegalHold('acme', 'legal@acme', 'litigation 2026-17');
    const held = await retention.run({ tenantId: 'acme' });
    expect(held[0]).toMatchObject({ held: true, purgedRecords: 0 });
    expect(held[0]!.archived).toHaveLength(1);
    expect((await retention.status('acme')).legalHold).toMatchObject({ heldBy: 'legal@acme' });
    expect((await verifyChain(opened!.store, { tenantId: 'acme' })).ok).toBe(true);
    await retention.releaseLegalHold('acme', 'legal@acme', 'case closed');
    expect((await retention.run({ tenantId: 'acme' }))[0]).toMatchObject({ purgedRecords: 5 });
    expect((await verifyChain(opened!.store, { tenantId: 'acme' })).ok).toBe(true);
    await expect(retention.releaseLegalHold('acme', 'legal@acme', 'again')).rejects.toMatchObject({
      code: 'not-found',
    });

    // A corrupted archive object is named.
    writeFileSync(join(dir!, 'acme', '1-5.jsonl.gz'), 'not gzip');
    const archives = await retention.verifyArchives('acme');
    expect(archives.ok).toBe(false);
    expect(archives.problems[0]!.segment).toBe('acme/1-5');

    // A purge horizon moved forward by hand (hiding live records) is caught.
    const db = opened!.store.db.withTables<{ audit_archives: { tenant_id: string; last_seq: number } }>();
    await db.updateTable('audit_archives').set({ last_seq: 7 }).where('tenant_id', '=', 'acme').execute();
    const tampered = await verifyChain(opened!.store, { tenantId: 'acme' });
    expect(tampered.ok).toBe(false);
    expect(tampered.tenants[0]!.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'truncated', seq: 1 })]),
    );
    await audit.close();
  });

  it('archives to S3 with Object Lock retention, and purges without an archive when none is configured', async () => {
    const { audit, retention, write, advance } = await setUp({ archive: 's3' });
    await write(3);
    advance(91 * DAY);
    const [result] = await retention.run({ tenantId: 'acme' });
    expect(result!.archived[0]!.location).toMatch(/^s3:\/\//);
    const locked = s3.requests.filter(
      (request) => request.method === 'PUT' && request.headers['x-amz-object-lock-mode'] === 'GOVERNANCE',
    );
    expect(locked.length).toBeGreaterThanOrEqual(2);
    expect((await retention.verifyArchives('acme')).ok).toBe(true);
    await audit.close();
    await opened!.cleanup();
    opened = undefined;

    const plain = await setUp({});
    await plain.write(2);
    plain.advance(91 * DAY);
    expect((await plain.retention.run({ tenantId: 'acme' }))[0]).toMatchObject({ purgedRecords: 2 });
    expect((await verifyChain(opened!.store, { tenantId: 'acme' })).ok).toBe(true);
    await plain.audit.close();
  });
});
