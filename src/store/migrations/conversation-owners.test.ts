import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { migratorOf, tableNames } from '../../../test/support/migrations.js';
import { openStore } from '../open-store.js';

describe.each(storeEngines)('migration 0013 (conversation owners) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('adds customer_hash to conversations and interactions and the store_secrets table; down removes them, up again restores', async () => {
    opened = await engine.open();
    const { store } = opened;
    expect(await columnsOf(store, 'conversations')).toContain('customer_hash');
    expect(await columnsOf(store, 'interactions')).toContain('customer_hash');
    expect(await tableNames(store)).toContain('store_secrets');

    expect((await migratorOf(store).migrateTo('0012-api-keys')).error).toBeUndefined();
    expect(await columnsOf(store, 'conversations')).not.toContain('customer_hash');
    expect(await columnsOf(store, 'interactions')).not.toContain('customer_hash');
    expect(await tableNames(store)).not.toContain('store_secrets');
    expect((await migratorOf(store).migrateToLatest()).error).toBeUndefined();
    expect(await columnsOf(store, 'conversations')).toContain('customer_hash');
  });

  it('starts a conversation for one customer once; a second start of that id is refused and the owner stays through turns', async () => {
    opened = await engine.open();
    const { conversations } = opened.store;
    const start = { tenantId: 'acme', agentId: 'desk', conversationId: 'c-1', channel: 'web', at: 1 };
    expect(await conversations.start({ ...start, customerHash: 'aa' })).toBe(true);
    expect(await conversations.start({ ...start, customerHash: 'bb' })).toBe(false);
    await conversations.recordTurn({ ...start, sdkSessionId: 's-1', at: 2 });
    expect(await conversations.get('acme', 'desk', 'c-1')).toMatchObject({
      customerHash: 'aa',
      sdkSessionId: 's-1',
      turns: 1,
    });
    await conversations.recordTurn({ ...start, conversationId: 'c-2', sdkSessionId: null, at: 3 });
    expect(await conversations.get('acme', 'desk', 'c-2')).toMatchObject({ customerHash: null, turns: 1 });
  });

  it('derives one key per purpose, the same for every instance on the database, distinct across purposes', async () => {
    opened = await engine.open();
    const other = await openStore(opened.config, {});
    try {
      const first = await opened.store.deriveKey('customer-hash');
      expect(first).toHaveLength(32);
      expect((await other.deriveKey('customer-hash')).equals(first)).toBe(true);
      expect((await opened.store.deriveKey('conversation-token')).equals(first)).toBe(false);
    } finally {
      await other.close();
    }
    // Another secret, other keys.
    const rekeyed = await openStore({ ...opened.config, encryptionKey: '22'.repeat(32) }, {});
    try {
      const again = await rekeyed.deriveKey('customer-hash');
      expect(again.equals(await opened.store.deriveKey('customer-hash'))).toBe(false);
    } finally {
      await rekeyed.close();
    }
  });

  it('without a configured secret keeps one random root in the database, shared by every instance', async () => {
    opened = await engine.open();
    const config = { ...opened.config };
    delete config.encryptionKey;
    // A SQLite file store would make secret.key beside the file; only the database root is tested here.
    const first = await openStore(engine.name === 'sqlite' ? { path: ':memory:' } : config, {});
    try {
      const key = await first.deriveKey('customer-hash');
      const rows = await first.db.selectFrom('store_secrets').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.secret).toMatch(/^[0-9a-f]{64}$/);
      if (engine.name === 'postgres') {
        const second = await openStore(config, {});
        try {
          expect((await second.deriveKey('customer-hash')).equals(key)).toBe(true);
        } finally {
          await second.close();
        }
      }
    } finally {
      await first.close();
    }
  });
});

async function columnsOf(store: TestStore['store'], table: string): Promise<string[]> {
  const tables = await store.db.introspection.getTables();
  return tables.find((entry) => entry.name === table)?.columns.map((column) => column.name) ?? [];
}
