/** An ArchiveStore in an S3 bucket (or any S3-compatible server), with optional Object Lock retention. */
import { createHash } from 'node:crypto';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { durationSchema, parseDuration, validateConfig } from '../../../config/index.js';
import { InvalidConfigError, StewardError } from '../../../errors/index.js';
import { type ArchiveObjects, createSegmentArchive } from '../segment-archive.js';
import type { ArchiveStore } from '../types.js';

type S3Sdk = typeof import('@aws-sdk/client-s3');

const s3ArchiveStoreConfigSchema = z
  .object({
    bucket: z.string().min(3),
    prefix: z.string().default(''),
    region: z.string().min(1).optional(),
    endpoint: z.url().optional(),
    credentials: z
      .union([
        z.looseObject({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }),
        z.custom<() => unknown>((value) => typeof value === 'function', 'a credentials provider function'),
      ])
      .optional(),
    forcePathStyle: z.boolean().optional(),
    objectLock: z
      .object({
        mode: z.enum(['COMPLIANCE', 'GOVERNANCE']),
        defaultRetention: durationSchema.optional(),
      })
      .strict()
      .optional(),
    client: z
      .custom<S3Client>((value) => typeof (value as S3Client | undefined)?.send === 'function', 'an S3Client')
      .optional(),
    now: z.custom<() => number>((value) => typeof value === 'function', 'a function').optional(),
  })
  .strict();

export interface S3ArchiveStoreConfig {
  bucket: string;
  /** Key prefix inside the bucket, e.g. `steward/audit`. Default: the bucket's root. */
  prefix?: string;
  /** Default: the SDK's own resolution (`AWS_REGION`, the shared config file). */
  region?: string;
  /** For S3-compatible servers (MinIO, Ceph, R2…), e.g. `http://127.0.0.1:9000`. */
  endpoint?: string;
  /**
   * Keys (`{ accessKeyId, secretAccessKey, sessionToken? }`) or a provider such as `fromIni()`.
   * Default: the SDK's credential chain (environment, shared files, instance or task role).
   */
  credentials?: S3ClientConfig['credentials'];
  /** Path-style URLs (`endpoint/bucket/key`); most S3-compatible servers need it. */
  forcePathStyle?: boolean;
  /**
   * Object Lock retention sent with every PutObject; the bucket must have Object Lock enabled.
   * `retainUntil` of a segment wins; without it `defaultRetention` (e.g. `7y`) from now applies.
   */
  objectLock?: { mode: 'COMPLIANCE' | 'GOVERNANCE'; defaultRetention?: string };
  /** A ready client instead of endpoint, region, credentials and forcePathStyle. */
  client?: S3Client;
  /** Clock for manifests and default retention, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * Archives segments under `s3://bucket/prefix/<tenant>/`. The AWS SDK is loaded on first use, so
 * importing this module costs nothing for deployments that archive to files.
 *
 * @example
 * const archive = createS3ArchiveStore({
 *   bucket: 'audit-archive',
 *   prefix: 'steward',
 *   region: 'eu-west-1',
 *   objectLock: { mode: 'COMPLIANCE', defaultRetention: '7y' },
 * });
 */
export function createS3ArchiveStore(config: S3ArchiveStoreConfig): ArchiveStore {
  const parsed = validateConfig(s3ArchiveStoreConfigSchema, config, 's3 archive store config');
  const clashing = (['endpoint', 'region', 'credentials', 'forcePathStyle'] as const).filter(
    (option) => parsed.client !== undefined && parsed[option] !== undefined,
  );
  if (clashing.length > 0) {
    throw new InvalidConfigError(
      clashing.map((option) => ({
        path: option,
        expected: 'nothing when `client` is given (configure the client instead)',
        received: 'a value',
      })),
      's3 archive store config',
    );
  }
  const now = parsed.now ?? Date.now;
  return createSegmentArchive(s3Objects(parsed, now), { now });
}

function s3Objects(config: z.output<typeof s3ArchiveStoreConfigSchema>, now: () => number): ArchiveObjects {
  const trimmed = config.prefix.replace(/^\/+|\/+$/g, '');
  const base = trimmed === '' ? '' : `${trimmed}/`;
  const location = `s3://${config.bucket}${trimmed === '' ? '' : `/${trimmed}`}`;
  let loading: Promise<{ sdk: S3Sdk; client: S3Client }> | undefined;

  function connect(): Promise<{ sdk: S3Sdk; client: S3Client }> {
    loading ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client:
        config.client ??
        new sdk.S3Client({
          ...(config.region === undefined ? {} : { region: config.region }),
          ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
          ...(config.credentials === undefined
            ? {}
            : { credentials: config.credentials as S3ClientConfig['credentials'] }),
          ...(config.forcePathStyle === undefined ? {} : { forcePathStyle: config.forcePathStyle }),
        }),
    }));
    return loading;
  }

  function failure(operation: string, key: string, error: unknown): StewardError {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new StewardError('store-unavailable', `S3 ${operation} of ${location}/${key} failed (${detail})`, {
      cause: error,
    });
  }

  function retention(retainUntil: Date | undefined): Record<string, unknown> {
    const lock = config.objectLock;
    if (!lock) return {};
    const until =
      retainUntil ??
      (lock.defaultRetention === undefined
        ? undefined
        : new Date(now() + parseDuration(lock.defaultRetention)!));
    if (!until) {
      throw new StewardError(
        'invalid-request',
        `Object Lock is configured for ${location}: pass retainUntil to putSegment, or set objectLock.defaultRetention (e.g. '7y').`,
      );
    }
    return { ObjectLockMode: lock.mode, ObjectLockRetainUntilDate: until };
  }

  return {
    location,
    async put(key, body, options) {
      const lock = retention(options.retainUntil);
      const { sdk, client } = await connect();
      try {
        await client.send(
          new sdk.PutObjectCommand({
            Bucket: config.bucket,
            Key: base + key,
            Body: body,
            ContentType: options.contentType,
            // S3 checks the upload against it, and Object Lock requires an integrity checksum.
            ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
            ...lock,
          }),
        );
      } catch (error) {
        throw failure('PutObject', key, error);
      }
    },
    async get(key) {
      const { sdk, client } = await connect();
      try {
        const response = await client.send(
          new sdk.GetObjectCommand({ Bucket: config.bucket, Key: base + key }),
        );
        if (!response.Body) return Buffer.alloc(0);
        return Buffer.from(await response.Body.transformToByteArray());
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw failure('GetObject', key, error);
      }
    },
    async list(folder) {
      const { sdk, client } = await connect();
      const prefix = `${base}${folder}/`;
      const names: string[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await client.send(
            new sdk.ListObjectsV2Command({
              Bucket: config.bucket,
              Prefix: prefix,
              Delimiter: '/',
              ...(token === undefined ? {} : { ContinuationToken: token }),
            }),
          );
          for (const item of page.Contents ?? []) if (item.Key) names.push(item.Key.slice(prefix.length));
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        throw failure('ListObjectsV2', `${folder}/`, error);
      }
      return names;
    },
  };
}

function isNotFound(error: unknown): boolean {
  const candidate = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return candidate?.name === 'NoSuchKey' || candidate?.$metadata?.httpStatusCode === 404;
}
