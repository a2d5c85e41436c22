import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { StewardError } from '../errors/index.js';
import { conversationTurns } from './conversation-repository.js';
import type { InteractionRecord } from './interaction-record.js';
import { interactionRows } from './interaction-repository.js';
import { openStore } from './open-store.js';

function interaction(overrides: Partial<InteractionRecord> = {}): InteractionRecord {
  return {
    id: 'i-1',
    tenantId: 'acme',
    agentId: 'front-desk',
    conversationId: 'c-1',
    channel: 'web',
    tier: 'intelligent',
    outcome: 'success',
    requestText: 'hi',
    replyText: 'hello',
    costUsd: 0.0123,
    usage: { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 1, cacheCreationInputTokens: 2 },
    latencyMs: 12.5,
    queueWaitMs: 0,
    toolCalls: [
      { toolUseId: 't1', toolName: 'Write', input: { file_path: 'a.txt' }, status: 'denied', message: 'no' },
    ],
    simulatedModel: true,
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

describe.each(storeEngines)('store on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('migrates an empty database and is idempotent when opened again', async () => {
    opened = await engine.open();
    expect(opened.store.engine).toBe(engine.name);
    const again = await openStore(opened.config, {});
    await again.close();
  });

  it('round-trips an interaction record with every field', async () => {
    opened = await engine.open();
    const record = interaction({
      errorCode: 'runtime-failed',
      errorMessage: 'boom',
      sdkSessionId: 's-1',
      customerHash: 'ab12',
    });
    await opened.store.interactions.insert(record);
    expect(await opened.store.interactions.get('acme', 'i-1')).toEqual(record);
  });

  it('never returns another tenant’s interaction', async () => {
    opened = await engine.open();
    await opened.store.interactions.insert(interaction());
    expect(await opened.store.interactions.get('other-tenant', 'i-1')).toBeUndefined();
    const page = await opened.store.interactions.list({ tenantId: 'other-tenant' });
    expect(page.items).toEqual([]);
  });

  it('pages interactions newest first and filters by agent and time', async () => {
    opened = await engine.open();
    for (let index = 0; index < 7; index++) {
      await opened.store.interactions.insert(
        interaction({
          id: `i-${index}`,
          agentId: index % 2 ? 'a' : 'b',
          createdAt: 1000 + Math.floor(index / 2),
        }),
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pageNumber = 0; pageNumber < 10; pageNumber++) {
      const page = await opened.store.interactions.list({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((item) => item.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['i-6', 'i-5', 'i-4', 'i-3', 'i-2', 'i-1', 'i-0']);
    const onlyA = await opened.store.interactions.list({ agentId: 'a' });
    expect(onlyA.items.map((item) => item.id)).toEqual(['i-5', 'i-3', 'i-1']);
    const window = await opened.store.interactions.list({ from: 1001, to: 1003 });
    expect(window.items.map((item) => item.id)).toEqual(['i-5', 'i-4', 'i-3', 'i-2']);
  });

  it('rejects a forged cursor and an out-of-range limit with invalid-request', async () => {
    opened = await engine.open();
    await expect(opened.store.interactions.list({ cursor: 'not-a-cursor' })).rejects.toMatchObject({
      code: 'invalid-request',
    });
    await expect(opened.store.interactions.list({ limit: 0 })).rejects.toBeInstanceOf(StewardError);
  });

  it('records conversation turns and keeps the last session id', async () => {
    opened = await engine.open();
    const { conversations } = opened.store;
    const turn = { tenantId: 'acme', agentId: 'fd', conversationId: 'c', channel: 'web' };
    await conversations.recordTurn({ ...turn, sdkSessionId: 's-1', at: 1 });
    await conversations.recordTurn({ ...turn, sdkSessionId: null, at: 2 });
    expect(await conversations.get('acme', 'fd', 'c')).toMatchObject({
      sdkSessionId: 's-1',
      turns: 2,
      updatedAt: 2,
    });
    await conversations.recordTurn({ ...turn, sdkSessionId: 's-2', at: 3 });
    expect((await conversations.get('acme', 'fd', 'c'))?.sdkSessionId).toBe('s-2');
    expect(await conversations.get('other', 'fd', 'c')).toBeUndefined();
  });

  it('writes the interactions and turns of one shared transaction together: one row per conversation, as turn by turn', async () => {
    opened = await engine.open();
    const store = opened.store;
    const turn = { tenantId: 'acme', agentId: 'fd', channel: 'web' };
    await store.conversations.recordTurn({ ...turn, conversationId: 'old', sdkSessionId: 's-0', at: 1 });
    // 70 interactions (more than one multi-row statement takes), two turns of conversation `c`, one of `old`,
    // a turn of another tenant's `c`.
    const records = Array.from({ length: 70 }, (_, index) =>
      interaction({ id: `b-${String(index).padStart(2, '0')}`, createdAt: 1_700_000_000_000 + index }),
    );
    const turns = [
      { ...turn, conversationId: 'c', sdkSessionId: 's-1', at: 5 },
      { ...turn, conversationId: 'old', sdkSessionId: null, at: 6 },
      { ...turn, conversationId: 'c', sdkSessionId: null, at: 7 },
      { ...turn, tenantId: 'globex', conversationId: 'c', sdkSessionId: 's-9', at: 8 },
    ];
    await Promise.all([
      ...records.map((record) => store.batchWrite(async (_db, rows) => rows.add(interactionRows, record))),
      ...turns.map((entry) => store.batchWrite(async (_db, rows) => rows.add(conversationTurns, entry))),
    ]);
    expect(
      (await store.interactions.list({ tenantId: 'acme', limit: 100 })).items.map((item) => item.id),
    ).toEqual(records.map((record) => record.id).reverse());
    expect(await store.interactions.get('acme', 'b-42')).toEqual(records[42]);
    expect(await store.conversations.get('acme', 'fd', 'c')).toMatchObject({
      sdkSessionId: 's-1',
      turns: 2,
      updatedAt: 7,
    });
    expect(await store.conversations.get('acme', 'fd', 'old')).toMatchObject({
      sdkSessionId: 's-0',
      turns: 2,
      updatedAt: 6,
    });
    expect(await store.conversations.get('globex', 'fd', 'c')).toMatchObject({
      sdkSessionId: 's-9',
      turns: 1,
    });
    // In one statement (a shared transaction that failed is retried write by write, which would hide it):
    // PostgreSQL refuses an upsert that touches one row twice, so the turns of `d` must be added up first.
    await store.writeTransaction((db) =>
      conversationTurns.flush(db, [
        { ...turn, conversationId: 'd', sdkSessionId: 's-3', at: 10 },
        { ...turn, conversationId: 'd', sdkSessionId: 's-4', at: 11 },
      ]),
    );
    expect(await store.conversations.get('acme', 'fd', 'd')).toMatchObject({
      sdkSessionId: 's-4',
      turns: 2,
      createdAt: 10,
      updatedAt: 11,
    });
  });

  it('stores session transcripts per tenant and agent, idempotent on uuid, encrypted at rest', async () => {
    opened = await engine.open();
    const acme = opened.store.sessions.forAgent('acme', 'fd');
    const other = opened.store.sessions.forAgent('other', 'fd');
    const key = { projectKey: 'p', sessionId: 's' };
    const entries = [
      { type: 'user', uuid: 'u1', message: { content: 'secret canary 4111' } },
      { type: 'assistant', uuid: 'u2', message: { content: 'reply' } },
      { type: 'title', title: 'no uuid' },
    ];
    await acme.append(key, entries);
    await acme.append(key, [entries[0]!, entries[1]!]); // an SDK retry: must not duplicate
    await acme.append({ ...key, subpath: 'subagents/agent-1' }, [{ type: 'user', uuid: 'u3' }]);
    expect(await acme.load(key)).toEqual(entries);
    expect(await acme.listSubkeys(key)).toEqual(['subagents/agent-1']);
    expect(await other.load(key)).toBeNull();
    const raw = await opened.store.db.selectFrom('session_entries').select('entry').execute();
    expect(raw.every((row) => row.entry.startsWith('v1:') && !row.entry.includes('canary'))).toBe(true);
    await acme.delete(key);
    expect(await acme.load(key)).toBeNull();
    expect(await acme.listSubkeys(key)).toEqual([]);
  });
});

describe('store configuration', () => {
  it('explains a URL it cannot use', async () => {
    await expect(openStore({ url: 'mysql://x' }, {})).rejects.toThrow(/postgres:\/\/.*sqlite:\/\//);
    await expect(openStore({ url: 'postgres://a', path: 'b' }, {})).rejects.toMatchObject({
      code: 'invalid-config',
    });
  });

  it('fails with store-unavailable and a redacted URL when PostgreSQL cannot be reached', async () => {
    const failure = openStore({ url: 'postgres://user:hunter2@127.0.0.1:1/nothing' }, {});
    await expect(failure).rejects.toMatchObject({ code: 'store-unavailable' });
    await expect(failure).rejects.not.toThrow(/hunter2/);
    // The driver's words reach the operator who started the server (a connection failure is mapped to
    // store-unavailable below Kysely; openStore quotes its cause).
    await expect(failure).rejects.toThrow(/ECONNREFUSED/);
  });

  it('uses STEWARD_DATABASE_URL when no store is configured', async () => {
    await expect(
      openStore({}, { STEWARD_DATABASE_URL: 'postgres://u:p@127.0.0.1:1/x' }),
    ).rejects.toMatchObject({
      code: 'store-unavailable',
    });
  });
});
