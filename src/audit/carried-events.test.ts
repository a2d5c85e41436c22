import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { EventBus } from '../events/index.js';
import type { InteractionRecord } from '../store/index.js';
import { Audit } from './audit.js';
import {
  type AuditRecord,
  auditDatabase,
  canonicalJson,
  findAuditRecords,
  searchAuditRecords,
} from './log/index.js';
import { generateAuditReport } from './reports/index.js';

const fourEvents = ['message-received', 'tier-answered', 'interaction-completed', 'reply-sent'];

/** Emits one interaction's events as ClaudeAgent does; the completion is stamped with its start. */
async function interaction(
  bus: EventBus,
  scope: { tenantId: string; agentId: string; interactionId: string },
  at: number,
  text: string,
  senderId?: string,
) {
  const full = { ...scope, conversationId: `c-${scope.interactionId}`, channel: 'api' };
  await bus.emit('message-received', { ...full, at, text, ...(senderId ? { senderId } : {}) });
  await bus.emit('tier-answered', { ...full, at: at + 1, tier: 'cache', costUsd: 0 });
  const record = {
    id: scope.interactionId,
    tenantId: scope.tenantId,
    agentId: scope.agentId,
    conversationId: full.conversationId,
    channel: 'api',
    createdAt: at,
    tier: 'cache',
    outcome: 'success',
    costUsd: 0,
    latencyMs: 1,
    queueWaitMs: 0,
    simulatedModel: false,
    usage: null,
    toolCalls: [],
    requestText: text,
    replyText: 'Hello! How can I help?',
  } as unknown as InteractionRecord;
  await bus.emit('interaction-completed', { interaction: record });
  await bus.emit('reply-sent', { ...full, at: at + 2, text: 'Hello! How can I help?', tier: 'cache' });
}

/** Every record of a tenant, in chain order (pages come newest first). */
async function allRecords(opened: TestStore, tenantId: string): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await searchAuditRecords(opened.store, {
      tenantId,
      limit: 3,
      ...(cursor ? { cursor } : {}),
    });
    records.push(...page.records);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return records.reverse();
}

async function rows(opened: TestStore, tenantId: string) {
  return auditDatabase(opened.store.db)
    .selectFrom('audit_records')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('seq')
    .execute();
}

describe.each(storeEngines)('an interaction in one audit row on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function setUp() {
    opened = await engine.open();
    const audit = new Audit(opened.store, { level: 'standard' });
    const bus = new EventBus();
    audit.attach(bus);
    return { audit, bus, opened };
  }

  it('stores one row per interaction, masked, and every reader sees its four events', async () => {
    const { audit, bus, opened } = await setUp();
    const acme = { tenantId: 'acme', agentId: 'desk' };
    await interaction(
      bus,
      { ...acme, interactionId: 'i-1' },
      1_000,
      'mail maria.lopez@example.com',
      '+44 20 7946 0958',
    );
    // Two interactions in flight at once: each closing record carries only its own events.
    await Promise.all([
      interaction(bus, { ...acme, interactionId: 'i-2' }, 2_000, 'hello'),
      interaction(bus, { ...acme, interactionId: 'i-3' }, 2_000, 'hi there'),
    ]);
    const stored = await rows(opened, 'acme');
    expect(stored.map((row) => row.event_type)).toEqual(Array(3).fill(`interaction:${fourEvents.join(',')}`));
    expect(stored.map((row) => row.interaction_id)).toEqual(['i-1', expect.any(String), expect.any(String)]);
    // PII is masked inside the carried events, as it was in their own records.
    expect(stored[0]!.payload).toContain('mail [EMAIL]');
    expect(stored.map((row) => row.payload).join('\n')).not.toMatch(/maria|7946/);

    const records = await allRecords(opened, 'acme');
    expect(records.map((record) => record.eventType)).toEqual([...fourEvents, ...fourEvents, ...fourEvents]);
    expect(records[0]).toMatchObject({
      seq: 1,
      id: `${stored[0]!.id}#0`,
      tenantId: 'acme',
      agentId: 'desk',
      interactionId: 'i-1',
      conversationId: 'c-i-1',
      actor: '[PHONE]',
      at: 1_000,
      payload: { text: 'mail [EMAIL]' },
    });
    expect(records[3]).toMatchObject({ eventType: 'reply-sent', at: 1_002, actor: null });

    // By event type, agent and time: the carried events each on their own.
    const received = await audit.search({ tenantId: 'acme', eventTypes: ['message-received'] });
    expect(received.records.map((record) => record.interactionId).sort()).toEqual(['i-1', 'i-2', 'i-3']);
    const window = await audit.search({ tenantId: 'acme', from: 1_001, to: 1_002, agentId: 'desk' });
    expect(window.records.map((record) => record.eventType)).toEqual(['tier-answered']);
    expect((await audit.search({ tenantId: 'acme', agentId: 'other' })).records).toEqual([]);
    const conversation = await audit.search({ tenantId: 'acme', conversationId: 'c-i-1', limit: 3 });
    expect(conversation.records.map((record) => record.eventType)).toEqual(
      [...fourEvents].reverse().slice(0, 3),
    );
    const conversationRest = await audit.search({
      tenantId: 'acme',
      conversationId: 'c-i-1',
      cursor: conversation.nextCursor!,
    });
    expect(conversationRest).toEqual({ records: [records[0]], nextCursor: null });
    const replies = await audit.search({ tenantId: 'acme', eventTypes: ['reply-sent'], limit: 2 });
    expect(replies.records).toHaveLength(2);
    const rest = await audit.search({
      tenantId: 'acme',
      eventTypes: ['reply-sent'],
      cursor: replies.nextCursor!,
    });
    expect(rest.records.map((record) => record.seq)).toEqual([1]);

    // By seq (all of a row's events) and by id (one of them).
    const bySeq = await findAuditRecords(opened.store, 'acme', { seqs: [1] });
    expect(bySeq.records.map((record) => record.eventType)).toEqual(fourEvents);
    const byId = await findAuditRecords(opened.store, 'acme', { ids: [`${stored[0]!.id}#2`, 'nope#1'] });
    expect(byId.records.map((record) => record.eventType)).toEqual(['interaction-completed']);
    expect(byId.missing).toEqual(['nope#1']);

    // Reports count the events, not the rows.
    const report = await generateAuditReport(opened.store, {
      standard: 'SOC2',
      tenantId: 'acme',
      from: 0,
      to: 10_000,
      verify: async () => ({ ok: true, tenants: [] }) as never,
    });
    expect(report.totals.records).toBe(12);
    expect(Object.fromEntries(report.totals.byEventType.map((row) => [row.eventType, row.count]))).toEqual(
      Object.fromEntries(fourEvents.map((type) => [type, 3])),
    );
    expect(report.totals.byAgent).toEqual([{ tenantId: 'acme', agentId: 'desk', records: 12 }]);
    // A window edge between an interaction's events counts each on its side.
    const edge = await generateAuditReport(opened.store, {
      standard: 'SOC2',
      tenantId: 'acme',
      from: 1_001,
      to: 2_001,
      verify: async () => ({ ok: true, tenants: [] }) as never,
    });
    expect(Object.fromEntries(edge.totals.byEventType.map((row) => [row.eventType, row.count]))).toEqual({
      'tier-answered': 1,
      'reply-sent': 1,
      'message-received': 2,
      'interaction-completed': 2,
    });
    expect(edge.totals.byAgent).toEqual([{ tenantId: 'acme', agentId: 'desk', records: 6 }]);

    expect((await audit.verify({ tenantId: 'acme' })).ok).toBe(true);
    await audit.close();
  });

  it('detects an edit of one carried event', async () => {
    const { audit, bus, opened } = await setUp();
    await interaction(bus, { tenantId: 'acme', agentId: 'desk', interactionId: 'i-1' }, 1_000, 'hello');
    await interaction(bus, { tenantId: 'acme', agentId: 'desk', interactionId: 'i-2' }, 2_000, 'refund me');
    expect((await audit.verify({ tenantId: 'acme' })).ok).toBe(true);
    const [, second] = await rows(opened, 'acme');
    const payload = JSON.parse(second!.payload) as { events: Array<{ payload: { text?: string } }> };
    payload.events[0]!.payload.text = 'never mind';
    await auditDatabase(opened.store.db)
      .updateTable('audit_records')
      .set({ payload: canonicalJson(payload) })
      .where('tenant_id', '=', 'acme')
      .where('seq', '=', 2)
      .execute();
    const result = await audit.verify({ tenantId: 'acme' });
    expect(result.ok).toBe(false);
    expect(result.tenants[0]!.problems[0]).toMatchObject({ seq: 2 });
    await audit.close();
  });

  it('never shows one tenant another tenant’s carried events', async () => {
    const { audit, bus, opened } = await setUp();
    await interaction(bus, { tenantId: 'acme', agentId: 'desk', interactionId: 'i-a' }, 1_000, 'acme asks');
    await interaction(
      bus,
      { tenantId: 'globex', agentId: 'desk', interactionId: 'i-g' },
      1_000,
      'globex asks',
    );
    const acme = await allRecords(opened, 'acme');
    const globex = await allRecords(opened, 'globex');
    expect(acme.map((record) => [record.tenantId, record.interactionId])).toEqual(
      Array(4).fill(['acme', 'i-a']),
    );
    expect(globex.map((record) => record.tenantId)).toEqual(Array(4).fill('globex'));
    expect(JSON.stringify(acme)).not.toContain('globex asks');
    const messages = await audit.search({ tenantId: 'globex', eventTypes: ['message-received'] });
    expect(messages.records.map((record) => record.payload.text)).toEqual(['globex asks']);
    // An id of another tenant's carried event is missing here.
    const lookup = await findAuditRecords(opened.store, 'globex', { ids: [acme[0]!.id] });
    expect(lookup).toEqual({ records: [], missing: [acme[0]!.id] });
    await audit.close();
  });
});
