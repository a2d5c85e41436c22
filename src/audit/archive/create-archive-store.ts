/** Picks an ArchiveStore from the `audit.retention.storage` URL: `file://…` or `s3://bucket/prefix`. */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidConfigError } from '../../errors/index.js';
import { createFileArchiveStore } from './file/file-archive-store.js';
import { createS3ArchiveStore, type S3ArchiveStoreConfig } from './s3/s3-archive-store.js';
import type { ArchiveStore } from './types.js';

export interface ArchiveStoreOptions {
  /** S3 settings besides the bucket and prefix, which come from the URL. */
  s3?: Omit<S3ArchiveStoreConfig, 'bucket' | 'prefix' | 'now'>;
  /** Base of a relative `file://` path such as `file://./archive`. Default `process.cwd()`. */
  cwd?: string;
  /** Clock in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * Creates the archive store a URL names: `file:///var/lib/steward/archive` (or a relative
 * `file://./archive`) or `s3://bucket/prefix`.
 *
 * @example
 * const archive = createArchiveStore(config.audit.retention.storage, {
 *   s3: { region: 'eu-west-1', objectLock: { mode: 'COMPLIANCE', defaultRetention: '7y' } },
 * });
 */
export function createArchiveStore(url: string, options: ArchiveStoreOptions = {}): ArchiveStore {
  const clock = options.now ? { now: options.now } : {};
  if (url.startsWith('file://')) {
    const rest = url.slice('file://'.length);
    const directory = rest.startsWith('/')
      ? fileURLToPath(url)
      : resolve(options.cwd ?? process.cwd(), decodeURIComponent(rest));
    if (!isAbsolute(directory) || rest === '') throw invalidUrl(url);
    return createFileArchiveStore({ directory, ...clock });
  }
  if (url.startsWith('s3://')) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || parsed.hostname === '' || parsed.search !== '' || parsed.hash !== '')
      throw invalidUrl(url);
    const prefix = decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, '');
    return createS3ArchiveStore({ ...options.s3, bucket: parsed.hostname, prefix, ...clock });
  }
  throw invalidUrl(url);
}

function invalidUrl(url: string): InvalidConfigError {
  return new InvalidConfigError(
    [
      {
        path: 'audit.retention.storage',
        expected: 'file:///absolute/path, file://./relative/path or s3://bucket/prefix',
        received: JSON.stringify(url),
      },
    ],
    'audit archive',
  );
}
