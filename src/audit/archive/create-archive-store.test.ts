import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../errors/index.js';
import { createArchiveStore } from './create-archive-store.js';

describe('createArchiveStore', () => {
  let directory: string | undefined;
  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('opens a directory from an absolute or a relative file:// URL', async () => {
    directory = await mkdtemp(join(tmpdir(), 'steward-archive-'));
    const absolute = createArchiveStore(pathToFileURL(join(directory, 'with space')).href);
    expect(absolute.location).toBe(pathToFileURL(join(directory, 'with space')).href);
    const relative = createArchiveStore('file://./archive', { cwd: directory });
    expect(relative.location).toBe(pathToFileURL(join(directory, 'archive')).href);
  });

  it('opens a bucket and prefix from an s3:// URL without loading the SDK yet', () => {
    expect(
      createArchiveStore('s3://audit-archive/steward/prod/', { s3: { region: 'eu-west-1' } }).location,
    ).toBe('s3://audit-archive/steward/prod');
    expect(createArchiveStore('s3://audit-archive').location).toBe('s3://audit-archive');
  });

  it.each(['ftp://host/x', '/var/archive', 's3://', 's3:///prefix', 'file://'])('rejects %s', (url) => {
    expect(() => createArchiveStore(url)).toThrow(InvalidConfigError);
    expect(() => createArchiveStore(url)).toThrow('s3://bucket/prefix');
  });

  it('rejects S3 options that clash with a given client, and unknown options', () => {
    const client = { send: async () => ({}) } as never;
    expect(() => createArchiveStore('s3://bucket/p', { s3: { client, region: 'eu-west-1' } })).toThrow(
      'region: expected nothing when `client` is given',
    );
    // @ts-expect-error a typo is an error
    expect(() => createArchiveStore('s3://bucket/p', { s3: { forcePathstyle: true } })).toThrow(
      'forcePathstyle',
    );
    expect(() =>
      createArchiveStore('s3://bucket/p', {
        s3: { objectLock: { mode: 'COMPLIANCE', defaultRetention: 'forever' } },
      }),
    ).toThrow('objectLock.defaultRetention');
  });
});
