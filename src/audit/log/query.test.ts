import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { fakeClock, recordInput } from './__fixtures__/records.js';
import { AuditLog } from './audit-log.js';
import { generateCheckpointSigner } from './checkpoints.js';
import { searchAuditRecords } from './query.js';
import { auditDatabase } from './schema.js';

const base = Date.parse('2026-06-15T00:00:00Z');

describe.each(storeEngines)('searchAuditRecords on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function seeded() {
    opened = await engine.open();
    const log = new AuditLog(opened.store, { now: fakeClock().now, signer: generateCheckpointSigner() });
    const inputs = Array.from({ length: 12 }, (_, index) =>
      recordInput({
        at: base + Math.floor(index / 2) * 1_000, // two records per second: ties on `at`
        agentId: index % 2 === 0 ? 'front-desk' : 'billing',
        conversationId: `c-${index % 3}`,
        eventType: index % 4 === 0 ? 'tool-call-denied' : 'message-received',
        payload: { index },
      }),
    );
    await log.append(inputs);
    await log.append(
      recordInput({ tenantId: 'globex', at: base, agentId: 'front-desk', payload: { secret: 1 } }),
    );
    await log.close();
    return opened.store;
  }

  it('pages newest first through every record with an opaque cursor', async () => {
    const store = await seeded();
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await searchAuditRecords(store, {
        tenantId: 'acme',
        limit: 5,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...result.records.map((record) => record.payload.index as number));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('filters by agent, conversation, event types and time', async () => {
    const store = await seeded();
    const indexes = async (query: Omit<Parameters<typeof searchAuditRecords>[1], 'tenantId'>) =>
      (await searchAuditRecords(store, { tenantId: 'acme', ...query })).records.map(
        (record) => record.payload.index,
      );
    expect(await indexes({ agentId: 'billing' })).toEqual([11, 9, 7, 5, 3, 1]);
    expect(await indexes({ conversationId: 'c-0' })).toEqual([9, 6, 3, 0]);
    expect(await indexes({ eventTypes: ['tool-call-denied'] })).toEqual([8, 4, 0]);
    expect(await indexes({ eventTypes: [] })).toEqual([]);
    expect(await indexes({ from: base + 2_000, to: base + 4_000 })).toEqual([7, 6, 5, 4]);
    expect(
      await indexes({ agentId: 'front-desk', eventTypes: ['tool-call-denied'], from: base + 1 }),
    ).toEqual([8, 4]);
  });

  it('finds a conversation’s records on both sides of the bulk-filled lookup, and only the tenant’s', async () => {
    opened = await engine.open();
    const log = new AuditLog(opened.store, {
      now: fakeClock().now,
      signer: generateCheckpointSigner(),
      conversationIndexEvery: 4,
    });
    for (let index = 0; index < 11; index++) {
      await log.append(
        recordInput({ at: base + index, conversationId: `c-${index % 2}`, payload: { index } }),
      );
      await log.append(recordInput({ tenantId: 'globex', at: base + index, conversationId: 'c-0' }));
    }
    await log.close();
    const db = auditDatabase(opened.store.db);
    const head = await db
      .selectFrom('audit_chain_heads')
      .select(['seq', 'conversation_indexed_seq'])
      .where('tenant_id', '=', 'acme')
      .executeTakeFirstOrThrow();
    // Filled at seqs 4 and 8 (each commit that left 4 records outside); 9..11 are read from the records.
    expect([Number(head.seq), Number(head.conversation_indexed_seq)]).toEqual([11, 8]);
    const indexed = await db
      .selectFrom('audit_conversation_seqs')
      .select('seq')
      .where('tenant_id', '=', 'acme')
      .where('conversation_id', '=', 'c-0')
      .orderBy('seq')
      .execute();
    expect(indexed.map((row) => Number(row.seq))).toEqual([1, 3, 5, 7]);
    const pages: number[][] = [];
    let cursor: string | undefined;
    do {
      const page = await searchAuditRecords(opened.store, {
        tenantId: 'acme',
        conversationId: 'c-0',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      pages.push(page.records.map((record) => record.payload.index as number));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual([
      [10, 8],
      [6, 4],
      [2, 0],
    ]);
    const odd = await searchAuditRecords(opened.store, { tenantId: 'acme', conversationId: 'c-1' });
    expect(odd.records.map((record) => record.payload.index)).toEqual([9, 7, 5, 3, 1]);
    const globex = await searchAuditRecords(opened.store, { tenantId: 'globex', conversationId: 'c-0' });
    expect(globex.records).toHaveLength(11);
    expect(globex.records.every((record) => record.tenantId === 'globex')).toBe(true);
  });

  it('pages in strict seq order when times go back, across the 4,096-record conversation lookup', async () => {
    opened = await engine.open();
    // The default lookup interval: the lookup is filled at seq 4,096, the rest read from the records.
    const log = new AuditLog(opened.store, { now: fakeClock().now, signer: generateCheckpointSigner() });
    const total = 4_200;
    // `at` is the event's own time, not the append order: an interaction's completion carries its
    // start time, after records stamped later. Here it cycles back every seven records.
    const inputs = Array.from({ length: total }, (_, index) =>
      recordInput({
        at: base + (index % 7) * 1_000 - Math.floor(index / 7),
        conversationId: index % 5 === 0 ? 'c-long' : `c-other-${index % 3}`,
        payload: { index },
      }),
    );
    for (let start = 0; start < total; start += 600) await log.append(inputs.slice(start, start + 600));
    await log.close();
    // A table this size has statistics on a live server (autovacuum analyses it); a fresh test database
    // has none, and PostgreSQL's plans without them take ~0.3 s a page here.
    if (engine.name === 'postgres') await sql`analyze`.execute(opened.store.db);
    const head = await auditDatabase(opened.store.db)
      .selectFrom('audit_chain_heads')
      .select('conversation_indexed_seq')
      .where('tenant_id', '=', 'acme')
      .executeTakeFirstOrThrow();
    expect(Number(head.conversation_indexed_seq)).toBeGreaterThanOrEqual(4_096);

    const pagedSeqs = async (query: { conversationId?: string; limit: number }) => {
      const seqs: number[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 200; page++) {
        const result = await searchAuditRecords(opened!.store, {
          tenantId: 'acme',
          ...query,
          ...(cursor ? { cursor } : {}),
        });
        seqs.push(...result.records.map((record) => Number(record.seq)));
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      return seqs;
    };
    const conversation = await pagedSeqs({ conversationId: 'c-long', limit: 37 });
    // Seqs 1, 6, 11, … (index % 5 === 0), newest first, across the lookup and the tail after it.
    expect(conversation).toEqual(Array.from({ length: total / 5 }, (_, index) => total - 4 - index * 5));
    expect(await pagedSeqs({ limit: 1_000 })).toEqual(
      Array.from({ length: total }, (_, index) => total - index),
    );
  }, 30_000);

  it('never returns another tenant’s records', async () => {
    const store = await seeded();
    const globex = await searchAuditRecords(store, { tenantId: 'globex' });
    expect(globex.records).toHaveLength(1);
    expect(globex.records[0]).toMatchObject({ tenantId: 'globex', payload: { secret: 1 } });
    const acme = await searchAuditRecords(store, { tenantId: 'acme', agentId: 'front-desk', limit: 1000 });
    expect(acme.records.every((record) => record.tenantId === 'acme')).toBe(true);
    expect(await searchAuditRecords(store, { tenantId: 'initech' })).toEqual({
      records: [],
      nextCursor: null,
    });
    // A cursor from one tenant's pages only ever pages within the tenant it is used with.
    const first = await searchAuditRecords(store, { tenantId: 'acme', limit: 1 });
    const crossed = await searchAuditRecords(store, { tenantId: 'globex', cursor: first.nextCursor! });
    expect(crossed.records.every((record) => record.tenantId === 'globex')).toBe(true);
  });

  it('refuses a bad limit, cursor or missing tenant', async () => {
    const store = await seeded();
    await expect(searchAuditRecords(store, { tenantId: 'acme', limit: 1001 })).rejects.toMatchObject({
      code: 'invalid-request',
    });
    await expect(searchAuditRecords(store, { tenantId: 'acme', cursor: 'garbage' })).rejects.toMatchObject({
      code: 'invalid-request',
    });
    await expect(searchAuditRecords(store, { tenantId: '' })).rejects.toMatchObject({
      code: 'invalid-request',
    });
    const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const forged of [[], [1.5], ['7'], [1, 2, 3], {}, 7]) {
      await expect(
        searchAuditRecords(store, { tenantId: 'acme', cursor: cursorOf(forged) }),
        JSON.stringify(forged),
      ).rejects.toMatchObject({ code: 'invalid-request' });
    }
    // A cursor of the earlier [at, seq] form pages on by its seq.
    const older = await searchAuditRecords(store, { tenantId: 'acme', cursor: cursorOf([base, 4]) });
    expect(older.records.map((record) => Number(record.seq))).toEqual([3, 2, 1]);
  });
});
