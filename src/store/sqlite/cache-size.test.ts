import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type StewardStore } from '../index.js';

describe("the SQLite page cache's size", () => {
  const dirs: string[] = [];
  const stores: StewardStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function cacheKibOf(config: { cacheMb?: number }, env: NodeJS.ProcessEnv): Promise<number> {
    const dir = mkdtempSync(join(tmpdir(), 'steward-cache-size-'));
    dirs.push(dir);
    const store = await openStore({ path: join(dir, 'steward.db'), ...config }, env);
    stores.push(store);
    const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(store.db);
    return -rows[0]!.cache_size;
  }

  it('is 32 MiB by default, STEWARD_SQLITE_CACHE_MB otherwise, and the config’s cacheMb first', async () => {
    expect(await cacheKibOf({}, {})).toBe(32 * 1024);
    expect(await cacheKibOf({}, { STEWARD_SQLITE_CACHE_MB: '8' })).toBe(8 * 1024);
    expect(await cacheKibOf({ cacheMb: 4 }, { STEWARD_SQLITE_CACHE_MB: '8' })).toBe(4 * 1024);
  });

  it('refuses a size that is not a whole number of MiB from 1 to 4096, naming both ways to set it', async () => {
    for (const raw of ['0', 'big', '1.5', '5000']) {
      await expect(cacheKibOf({}, { STEWARD_SQLITE_CACHE_MB: raw })).rejects.toMatchObject({
        code: 'invalid-config',
        message: expect.stringMatching(/cacheMb or STEWARD_SQLITE_CACHE_MB/),
      });
    }
  });
});
