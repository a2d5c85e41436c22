/** Test support: a real S3 wire-format server (s3rver) on 127.0.0.1 that records each request's headers. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { S3ArchiveStoreConfig } from '../s3/s3-archive-store.js';
import { fixedNow } from './segments.js';

/** A real S3 wire-format server (s3rver) on 127.0.0.1, with every request's headers recorded. */
export interface TestS3Server {
  endpoint: string;
  requests: { method: string; url: string; headers: IncomingHttpHeaders }[];
  client: S3Client;
  config(prefix: string, extra?: Partial<S3ArchiveStoreConfig>): S3ArchiveStoreConfig;
  close(): Promise<void>;
}

export const BUCKET = 'steward-audit';

/** Starts s3rver on a free port with one bucket, BUCKET; `close` stops it and deletes its files. */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'steward-s3rver-'));
  const s3rver = new S3rver({ silent: true, directory, configureBuckets: [{ name: BUCKET, configs: [] }] });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const requests: TestS3Server['requests'] = [];
  const server: Server = createServer((request, response) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A fresh object each time: the SDK writes into the credentials it is given.
  const connection = () => ({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    endpoint,
    requests,
    client: new S3Client(connection()),
    config: (prefix, extra = {}) => ({ bucket: BUCKET, prefix, now: fixedNow, ...connection(), ...extra }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
