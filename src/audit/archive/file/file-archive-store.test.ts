import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { segment } from '../__support__/segments.js';
import { segmentKeys } from '../segment-paths.js';
import { createFileArchiveStore } from './file-archive-store.js';

describe('file archive store on disk', () => {
  it('writes files 0600 in folders 0700 and leaves no temporary files', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'steward-archive-'));
    try {
      const root = join(directory, 'archive');
      const store = createFileArchiveStore({ directory: root });
      await store.putSegment(segment('../escape', 1, 2));
      expect(await readdir(directory)).toEqual(['archive']);
      const keys = segmentKeys({ tenantId: '../escape', firstSeq: 1, lastSeq: 2 });
      expect(await readdir(join(root, keys.folder))).toEqual(['1-2.jsonl.gz', '1-2.manifest.json']);
      for (const file of [keys.object, keys.manifest]) {
        expect((await stat(join(root, ...file.split('/')))).mode & 0o777).toBe(0o600);
      }
      expect((await stat(root)).mode & 0o777).toBe(0o700);
      expect((await stat(join(root, keys.folder))).mode & 0o777).toBe(0o700);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('rejects a relative directory', () => {
    expect(() => createFileArchiveStore({ directory: 'archive' })).toThrow(
      'directory: expected an absolute path',
    );
  });
});
