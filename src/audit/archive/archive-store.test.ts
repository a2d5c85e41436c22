import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StewardError } from '../../errors/index.js';
import { BUCKET, startS3Server, type TestS3Server } from './__support__/s3-test-server.js';
import { fixedNow, ref, segment, type TestCheckpoint } from './__support__/segments.js';
import { ArchiveIntegrityError } from './archive-integrity-error.js';
import { createFileArchiveStore } from './file/file-archive-store.js';
import { createS3ArchiveStore } from './s3/s3-archive-store.js';
import type { ArchiveStore, PutSegmentInput, SegmentManifest } from './types.js';

/** A store under test plus raw access to its objects, to simulate crashes and tampering. */
interface OpenedStore {
  store: ArchiveStore;
  writeRaw(key: string, body: Buffer): Promise<void>;
  readRaw(key: string): Promise<Buffer>;
  cleanup(): Promise<void>;
}

let s3: TestS3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.close();
});

let nextPrefix = 0;
const implementations: { name: string; open(): Promise<OpenedStore> }[] = [
  {
    name: 'file',
    async open() {
      const directory = await mkdtemp(join(tmpdir(), 'steward-archive-'));
      return {
        store: createFileArchiveStore({ directory, now: fixedNow }),
        async writeRaw(key, body) {
          const path = join(directory, ...key.split('/'));
          await mkdir(join(path, '..'), { recursive: true });
          await writeFile(path, body);
        },
        readRaw: (key) => readFile(join(directory, ...key.split('/'))),
        cleanup: () => rm(directory, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 's3',
    async open() {
      const prefix = `run-${nextPrefix++}/archive`;
      return {
        store: createS3ArchiveStore(s3.config(prefix)),
        async writeRaw(key, body) {
          await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${key}`, Body: body }));
        },
        async readRaw(key) {
          const response = await s3.client.send(
            new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${key}` }),
          );
          return Buffer.from(await response.Body!.transformToByteArray());
        },
        cleanup: async () => {},
      };
    },
  },
];

describe.each(implementations)('archive store on $name', (implementation) => {
  let opened: OpenedStore;
  afterEach(async () => {
    await opened?.cleanup();
  });

  it('writes a segment, lists it, and reads back the same records and manifest', async () => {
    opened = await implementation.open();
    const input = segment('acme', 1, 25);
    const manifest = await opened.store.putSegment(input);
    expect(manifest).toMatchObject({
      version: 1,
      format: 'jsonl',
      compression: 'gzip',
      tenantId: 'acme',
      firstSeq: 1,
      lastSeq: 25,
      object: '1-25.jsonl.gz',
      recordCount: 25,
      firstPrevHash: null,
      lastHash: input.records[24]?.hash,
      createdAt: '2025-03-01T12:00:00.000Z',
      checkpoint: input.checkpoint,
    });
    const object = await opened.readRaw('acme/1-25.jsonl.gz');
    expect(manifest.objectSha256).toBe(createHash('sha256').update(object).digest('hex'));
    expect(manifest.objectBytes).toBe(object.length);
    expect(await opened.store.listSegments('acme')).toEqual([{ ...ref(input), complete: true }]);
    expect(await opened.store.getManifest(ref(input))).toEqual(manifest);
    expect(await opened.store.readSegment(ref(input))).toEqual(input.records);
    expect(await opened.store.verifySegment(ref(input))).toEqual({
      segment: ref(input),
      name: 'acme/1-25',
      ok: true,
      issues: [],
      recordCount: 25,
    });
  });

  it('lists segments in seq order and keeps tenants apart, also ones named like paths', async () => {
    opened = await implementation.open();
    for (const first of [100, 1, 10])
      await opened.store.putSegment(segment('acme', first, first === 1 ? 9 : 10));
    const escaping = segment('../acme', 1, 3);
    await opened.store.putSegment(escaping);
    await opened.store.putSegment(segment('acme/other', 1, 2));
    expect((await opened.store.listSegments('acme')).map((listing) => listing.firstSeq)).toEqual([
      1, 10, 100,
    ]);
    expect(await opened.store.listSegments('../acme')).toEqual([{ ...ref(escaping), complete: true }]);
    expect(await opened.store.readSegment(ref(escaping))).toEqual(escaping.records);
    expect(await opened.store.listSegments('acme/other')).toHaveLength(1);
    expect(await opened.store.listSegments('nobody')).toEqual([]);
    expect(await opened.store.getManifest({ tenantId: 'nobody', firstSeq: 1, lastSeq: 2 })).toBeUndefined();
  });

  it('is write-once: a sealed segment cannot be written again', async () => {
    opened = await implementation.open();
    const input = segment('acme', 1, 3);
    await opened.store.putSegment(input);
    await expect(opened.store.putSegment(input)).rejects.toMatchObject({
      code: 'invalid-request',
      message: expect.stringContaining('write-once'),
    });
  });

  it.each([
    [
      'a seq gap',
      (input: PutSegmentInput<TestCheckpoint>) => ({
        ...input,
        records: input.records.filter((r) => r.seq !== 2),
      }),
      'seq jumps from 1 to 3',
    ],
    [
      'a broken chain',
      (input: PutSegmentInput<TestCheckpoint>) => ({
        ...input,
        records: input.records.map((r) => (r.seq === 3 ? { ...r, prevHash: 'x' } : r)),
      }),
      'prevHash is not the hash of seq 2',
    ],
    [
      'another tenant’s record',
      (input: PutSegmentInput<TestCheckpoint>) => ({
        ...input,
        records: input.records.map((r) => (r.seq === 2 ? { ...r, tenantId: 'globex' } : r)),
      }),
      'belongs to tenant "globex"',
    ],
    [
      'a wrong lastSeq',
      (input: PutSegmentInput<TestCheckpoint>) => ({ ...input, lastSeq: 9 }),
      '4 records for a range of 9',
    ],
    [
      'an unsigned checkpoint',
      (input: PutSegmentInput<TestCheckpoint>) => ({ ...input, checkpoint: {} as TestCheckpoint }),
      'with a signature',
    ],
  ])('refuses to write a segment with %s, and writes nothing', async (_, change, message) => {
    opened = await implementation.open();
    const input = change(segment('acme', 1, 4));
    await expect(opened.store.putSegment(input)).rejects.toMatchObject({
      code: 'invalid-request',
      message: expect.stringContaining(message),
    });
    expect(await opened.store.listSegments('acme')).toEqual([]);
  });

  it('treats a data object without a manifest as incomplete', async () => {
    opened = await implementation.open();
    const input = segment('acme', 1, 3);
    await opened.writeRaw(
      'acme/1-3.jsonl.gz',
      gzipSync(`${input.records.map((r) => JSON.stringify(r)).join('\n')}\n`),
    );
    expect(await opened.store.listSegments('acme')).toEqual([{ ...ref(input), complete: false }]);
    await expect(opened.store.readSegment(ref(input))).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringContaining('acme/1-3 has no manifest'),
    });
    const report = await opened.store.verifySegment(ref(input));
    expect(report).toMatchObject({ ok: false, recordCount: 3 });
    expect(report.issues.map((issue) => issue.kind)).toEqual(['missing-manifest']);
    await opened.store.putSegment(input); // finishing the interrupted write is allowed
    expect(await opened.store.readSegment(ref(input))).toEqual(input.records);
  });

  it('detects a corrupted data object, naming the segment', async () => {
    opened = await implementation.open();
    const input = segment('acme', 1, 5);
    await opened.store.putSegment(input);
    const altered = input.records.map((r) => (r.seq === 3 ? { ...r, text: 'rewritten' } : r));
    await opened.writeRaw(
      'acme/1-5.jsonl.gz',
      gzipSync(`${altered.map((r) => JSON.stringify(r)).join('\n')}\n`),
    );
    const error = await opened.store.readSegment(ref(input)).catch((caught: unknown) => caught);
    expect(ArchiveIntegrityError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'integrity-check-failed', status: 500, segment: 'acme/1-5' });
    expect((error as Error).message).toContain('acme/1-5');
    const kinds = (await opened.store.verifySegment(ref(input))).issues.map((issue) => issue.kind);
    expect(kinds).toEqual(['object-hash-mismatch', 'content-hash-mismatch']);
  });

  it('detects bytes that are not gzip, and a missing data object', async () => {
    opened = await implementation.open();
    const input = segment('acme', 1, 2);
    await opened.store.putSegment(input);
    await opened.writeRaw('acme/1-2.jsonl.gz', Buffer.from('not gzip'));
    const kinds = (await opened.store.verifySegment(ref(input))).issues.map((issue) => issue.kind);
    expect(kinds).toEqual(['object-hash-mismatch', 'unreadable-object']);
    const missing = await opened.store.verifySegment({ tenantId: 'acme', firstSeq: 5, lastSeq: 6 });
    expect(missing.issues.map((issue) => issue.kind)).toEqual(['missing-manifest', 'missing-object']);
  });

  it('reports gaps, count, chain and first/last mismatches when data and manifest were rewritten together', async () => {
    opened = await implementation.open();
    const input = segment('acme', 1, 6);
    const manifest = await opened.store.putSegment(input);
    const kept = input.records.filter((r) => r.seq !== 3);
    const content = Buffer.from(`${kept.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const object = gzipSync(content);
    const forged: SegmentManifest = {
      ...manifest,
      objectSha256: createHash('sha256').update(object).digest('hex'),
      contentSha256: createHash('sha256').update(content).digest('hex'),
      lastHash: 'f'.repeat(64),
      firstPrevHash: 'e'.repeat(64),
    };
    await opened.writeRaw('acme/1-6.jsonl.gz', object);
    await opened.writeRaw('acme/1-6.manifest.json', Buffer.from(JSON.stringify(forged)));
    const report = await opened.store.verifySegment(ref(input));
    expect(report.ok).toBe(false);
    expect(report.issues.map((issue) => issue.kind).sort()).toEqual(
      [
        'chain-break',
        'first-prev-hash-mismatch',
        'last-hash-mismatch',
        'record-count-mismatch',
        'record-count-mismatch',
        'seq-gap',
      ].sort(),
    );
    await expect(opened.store.readSegment(ref(input))).rejects.toThrow(
      /acme\/1-6 failed verification:\n {2}record-count-mismatch/,
    );
  });

  it('reports a manifest that describes another segment, an unreadable one, and a bad checkpoint', async () => {
    opened = await implementation.open();
    const input = segment('acme', 1, 2);
    const manifest = await opened.store.putSegment(input);
    const rejecting = await opened.store.verifySegment(ref(input), {
      verifyCheckpoint: (checkpoint) => checkpoint.signature === 'other',
    });
    expect(rejecting.issues.map((issue) => issue.kind)).toEqual(['checkpoint-invalid']);
    const accepting = await opened.store.verifySegment(ref(input), { verifyCheckpoint: async () => true });
    expect(accepting.ok).toBe(true);

    await opened.writeRaw(
      'acme/1-2.manifest.json',
      Buffer.from(JSON.stringify({ ...manifest, tenantId: 'globex' })),
    );
    await expect(opened.store.getManifest(ref(input))).rejects.toMatchObject({
      issues: [{ kind: 'manifest-mismatch' }],
    });
    await opened.writeRaw('acme/1-2.manifest.json', Buffer.from('{ not json'));
    await expect(opened.store.getManifest(ref(input))).rejects.toBeInstanceOf(StewardError);
    expect((await opened.store.verifySegment(ref(input))).issues[0]?.kind).toBe('unreadable-manifest');
  });
});
