import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { fakeClock, recordInput } from './__fixtures__/records.js';
import { AuditLog } from './audit-log.js';
import { generateCheckpointSigner } from './checkpoints.js';
import { searchAuditRecords } from './query.js';

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
  });
});
