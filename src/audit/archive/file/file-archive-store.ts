/** An ArchiveStore in a local directory: atomic writes (temp file + rename), files 0600, folders 0700. */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { validateConfig } from '../../../config/index.js';
import { StewardError } from '../../../errors/index.js';
import { type ArchiveObjects, createSegmentArchive } from '../segment-archive.js';
import type { ArchiveStore } from '../types.js';

const fileArchiveStoreConfigSchema = z
  .object({
    directory: z.string().refine(isAbsolute, 'an absolute path'),
    now: z.custom<() => number>((value) => typeof value === 'function', 'a function').optional(),
  })
  .strict();

export interface FileArchiveStoreConfig {
  /** Absolute path of the archive's root; created (0700) when missing. */
  directory: string;
  /** Clock for manifests' `createdAt`, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * Archives segments under `directory/<tenant>/`. Every file is written to a temporary name,
 * flushed, then renamed, so a reader or a crash never sees half a file.
 *
 * @example
 * const archive = createFileArchiveStore({ directory: '/var/lib/steward/audit-archive' });
 * await archive.putSegment({ tenantId: 'acme', firstSeq: 1, lastSeq: 100, records, checkpoint });
 */
export function createFileArchiveStore(config: FileArchiveStoreConfig): ArchiveStore {
  const { directory, now } = validateConfig(
    fileArchiveStoreConfigSchema,
    config,
    'file archive store config',
  );
  return createSegmentArchive(fileObjects(directory), now ? { now } : {});
}

function fileObjects(root: string): ArchiveObjects {
  const location = pathToFileURL(root).href;
  const pathOf = (key: string) => join(root, ...key.split('/'));

  return {
    location,
    async put(key, body) {
      const target = pathOf(key);
      const folder = join(target, '..');
      await mkdir(folder, { recursive: true, mode: 0o700 });
      // Dot-prefixed: tenant folders and segment names never start with a dot, so lists skip these.
      const temporary = join(folder, `.${randomBytes(8).toString('hex')}.tmp`);
      try {
        const handle = await open(temporary, 'wx', 0o600);
        try {
          await handle.writeFile(body);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw new StewardError(
          'store-unavailable',
          `Could not write ${target}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      await syncFolder(folder);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new StewardError(
          'store-unavailable',
          `Could not read ${pathOf(key)}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    },
    async list(folder) {
      try {
        const entries = await readdir(pathOf(folder), { withFileTypes: true });
        return entries
          .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
          .map((entry) => entry.name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new StewardError(
          'store-unavailable',
          `Could not list ${pathOf(folder)}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    },
  };
}

/** Makes the rename itself durable; some platforms cannot open a folder for sync, which is fine. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}
