/**
 * The store suite runs against both engines: a real SQLite file and a real PostgreSQL database.
 *
 *   describe.each(storeEngines)('$name', (engine) => { ... const store = await engine.open(); ... });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { StewardStore, StoreConfig } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';
import { createTestDatabase } from './databases.js';

export interface TestEngine {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty, migrated store; `cleanup` closes it and removes its data. */
  open(extra?: Partial<StoreConfig>): Promise<TestStore>;
}

export interface TestStore {
  store: StewardStore;
  config: StoreConfig;
  cleanup(): Promise<void>;
}

const testKey = '11'.repeat(32);

export const storeEngines: TestEngine[] = [
  {
    name: 'sqlite',
    async open(extra = {}) {
      const dir = mkdtempSync(join(tmpdir(), 'steward-store-'));
      const config: StoreConfig = { path: join(dir, 'steward.db'), encryptionKey: testKey, ...extra };
      const store = await openStore(config, {});
      return {
        store,
        config,
        async cleanup() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    async open(extra = {}) {
      const database = await createTestDatabase(inject('postgresUrl'), 'store');
      const config: StoreConfig = { url: database.url, encryptionKey: testKey, poolSize: 4, ...extra };
      const store = await openStore(config, {});
      return {
        store,
        config,
        async cleanup() {
          await store.close();
          await database.drop();
        },
      };
    },
  },
];
