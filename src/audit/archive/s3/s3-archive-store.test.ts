import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, startS3Server, type TestS3Server } from '../__support__/s3-test-server.js';
import { segment } from '../__support__/segments.js';
import { createS3ArchiveStore } from './s3-archive-store.js';

let s3: TestS3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.close();
});

describe('s3 archive store on the wire', () => {
  const putHeaders = () =>
    s3.requests.filter((request) => request.method === 'PUT').map((request) => request.headers);

  it('sends Object Lock retention and a SHA-256 checksum with every object when configured', async () => {
    s3.requests.length = 0;
    const store = createS3ArchiveStore(s3.config('locked', { objectLock: { mode: 'COMPLIANCE' } }));
    const retainUntil = new Date('2032-01-01T00:00:00.000Z');
    const manifest = await store.putSegment({ ...segment('acme', 1, 3), retainUntil });
    expect(manifest.retainUntil).toBe('2032-01-01T00:00:00.000Z');
    const headers = putHeaders();
    expect(headers).toHaveLength(2);
    for (const header of headers) {
      expect(header['x-amz-object-lock-mode']).toBe('COMPLIANCE');
      expect(header['x-amz-object-lock-retain-until-date']).toBe('2032-01-01T00:00:00Z');
      expect(header['x-amz-checksum-sha256']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    }
    expect(Buffer.from(headers[0]?.['x-amz-checksum-sha256'] as string, 'base64').toString('hex')).toBe(
      manifest.objectSha256,
    );
    expect(
      s3.requests.filter((request) => request.method === 'PUT').map((request) => request.url.split('?')[0]),
    ).toEqual([`/${BUCKET}/locked/acme/1-3.jsonl.gz`, `/${BUCKET}/locked/acme/1-3.manifest.json`]);
  });

  it('uses defaultRetention from the injected clock, and refuses to write without any retention', async () => {
    s3.requests.length = 0;
    const store = createS3ArchiveStore(
      s3.config('governed', { objectLock: { mode: 'GOVERNANCE', defaultRetention: '7d' } }),
    );
    await store.putSegment(segment('acme', 1, 2));
    expect(putHeaders().map((header) => header['x-amz-object-lock-retain-until-date'])).toEqual([
      '2025-03-08T12:00:00Z',
      '2025-03-08T12:00:00Z',
    ]);
    expect(putHeaders()[0]?.['x-amz-object-lock-mode']).toBe('GOVERNANCE');
    s3.requests.length = 0;
    const strict = createS3ArchiveStore(s3.config('strict', { objectLock: { mode: 'COMPLIANCE' } }));
    await expect(strict.putSegment(segment('acme', 1, 2))).rejects.toThrow('pass retainUntil to putSegment');
    expect(putHeaders()).toEqual([]);
  });

  it('sends no Object Lock headers when it is not configured', async () => {
    s3.requests.length = 0;
    await createS3ArchiveStore(s3.config('plain')).putSegment({
      ...segment('acme', 1, 2),
      retainUntil: new Date('2030-01-01'),
    });
    for (const header of putHeaders()) expect(header['x-amz-object-lock-mode']).toBeUndefined();
  });

  it('turns an unreachable server into store-unavailable', async () => {
    const store = createS3ArchiveStore({ ...s3.config('down'), endpoint: 'http://127.0.0.1:1' });
    await expect(store.listSegments('acme')).rejects.toMatchObject({
      code: 'store-unavailable',
      message: expect.stringContaining('ListObjectsV2'),
    });
  });
});
