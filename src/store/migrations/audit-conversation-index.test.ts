import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { migratorOf } from '../../../test/support/migrations.js';
import {
  AuditLog,
  auditDatabase,
  generateCheckpointSigner,
  searchAuditRecords,
  verifyChain,
} from '../../audit/index.js';

describe.each(storeEngines)('migration 0009 (audit conversation lookup) on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('moves the records already written into the lookup and drops the old index; down restores it', async () => {
    opened = await engine.open();
    const { store } = opened;
    const signer = generateCheckpointSigner();
    const log = new AuditLog(store, { signer, conversationIndexEvery: 1_000 });
    for (let index = 0; index < 6; index++) {
      await log.append({
        tenantId: 'acme',
        agentId: 'desk',
        eventType: 'message-received',
        at: 1_780_000_000_000 + index,
        conversationId: `c-${index % 2}`,
        level: 'standard',
        payload: { index },
      });
    }
    await log.close();
    expect(await indexNames(store)).not.toContain('audit_records_conversation');
    // Below the every-1,000 mark: found through the records themselves.
    const found = await searchAuditRecords(store, { tenantId: 'acme', conversationId: 'c-0' });
    expect(found.records.map((record) => record.payload.index)).toEqual([4, 2, 0]);

    // Down to 0008 (the records stay, under the old index) and up again: they are backfilled.
    expect((await migratorOf(store).migrateTo('0008-audit-retention')).error).toBeUndefined();
    expect(await indexNames(store)).toContain('audit_records_conversation');
    expect((await migratorOf(store).migrateToLatest()).error).toBeUndefined();
    expect(await indexNames(store)).not.toContain('audit_records_conversation');
    const head = await auditDatabase(store.db)
      .selectFrom('audit_chain_heads')
      .select(['seq', 'conversation_indexed_seq'])
      .where('tenant_id', '=', 'acme')
      .executeTakeFirstOrThrow();
    expect([Number(head.seq), Number(head.conversation_indexed_seq)]).toEqual([6, 6]);
    const lookup = await auditDatabase(store.db)
      .selectFrom('audit_conversation_seqs')
      .select(['conversation_id', 'seq'])
      .where('tenant_id', '=', 'acme')
      .orderBy('conversation_id')
      .orderBy('seq')
      .execute();
    expect(lookup.map((row) => `${row.conversation_id}:${row.seq}`)).toEqual([
      'c-0:1',
      'c-0:3',
      'c-0:5',
      'c-1:2',
      'c-1:4',
      'c-1:6',
    ]);
    const again = await searchAuditRecords(store, { tenantId: 'acme', conversationId: 'c-1' });
    expect(again.records.map((record) => record.payload.index)).toEqual([5, 3, 1]);
    expect((await verifyChain(store, { trustedKeys: { [signer.keyId]: signer.publicKeyPem } })).ok).toBe(
      true,
    );
  });
});

async function indexNames(store: TestStore['store']): Promise<string[]> {
  const rows =
    store.engine === 'sqlite'
      ? await store.db
          .selectFrom('sqlite_master' as never)
          .select('name' as never)
          .where('type' as never, '=', 'index' as never)
          .execute()
      : await store.db
          .selectFrom('pg_indexes' as never)
          .select('indexname as name' as never)
          .where('schemaname' as never, '=', 'public' as never)
          .execute();
  return (rows as Array<{ name: string }>).map((row) => row.name);
}
