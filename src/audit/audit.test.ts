import { afterEach, describe, expect, it, vi } from 'vitest';
import { countedStore } from '../../test/support/counted-store.js';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import type { AgentConfig } from '../agent/index.js';
import { ClaudeAgent } from '../agent/index.js';
import { CostRollups } from '../optimize/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { type Alert, createChannelAlertSink } from './alerts/index.js';
import { Audit } from './audit.js';
import { createEnvKeyProvider } from './crypto/index.js';
import type { AuditRecord } from './log/index.js';

const masterKey = Buffer.alloc(32, 7).toString('base64');
const scope = {
  tenantId: 'acme',
  agentId: 'desk',
  interactionId: 'i-1',
  conversationId: 'c-1',
  channel: 'api',
};

describe.each(storeEngines)('audit on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function agentWith(config: Partial<AgentConfig>) {
    opened ??= await engine.open();
    return new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'desk',
      store: opened.store,
      runtime: new FunctionRuntime(async () => 'We emailed maria.lopez@example.com the receipt.', {
        costUsd: 0.02,
      }),
      ...config,
    });
  }

  async function allRecords(audit: Audit, tenantId = 'acme'): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.search({ tenantId, limit: 1000, ...(cursor ? { cursor } : {}) });
      records.push(...page.records);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // Pages are newest first; the events a row carries share its seq, so reversed, not sorted by seq.
    return records.reverse();
  }

  it('records every pipeline event masked and durable before the reply, in one verifiable chain', async () => {
    const agent = await agentWith({ audit: { level: 'standard' } });
    const reply = await agent.handle({ text: 'Send the receipt to maria.lopez@example.com please' });
    expect(reply.text).toContain('maria.lopez@example.com');
    const audit = (await agent.audit())!;
    const records = await allRecords(audit);
    expect(records.map((record) => record.eventType)).toEqual([
      'config-changed',
      'message-received',
      'tier-answered',
      'interaction-completed',
      'reply-sent',
    ]);
    // One chained row for the interaction: its four events ride in it and share its seq.
    expect(records.map((record) => record.seq)).toEqual([1, 2, 2, 2, 2]);
    expect(records.slice(1).map((record) => record.id)).toEqual(
      [0, 1, 2, 3].map((index) => `${records[4]!.id.split('#')[0]}#${index}`),
    );
    const rows = await opened!.store.db
      .withTables<{
        audit_records: { tenant_id: string; seq: number; event_type: string; payload: string };
      }>()
      .selectFrom('audit_records')
      .select(['seq', 'event_type', 'payload'])
      .where('tenant_id', '=', 'acme')
      .orderBy('seq')
      .execute();
    expect(rows.map((row) => row.event_type)).toEqual([
      'config-changed',
      'interaction:message-received,tier-answered,interaction-completed,reply-sent',
    ]);
    // Masked inside the carried events, as stored.
    expect(rows[1]!.payload).toContain('Send the receipt to [EMAIL] please');
    expect(rows.map((row) => row.payload).join('\n')).not.toContain('maria.lopez');
    expect(records[1]).toMatchObject({
      interactionId: reply.interactionId,
      conversationId: reply.conversationId,
      channel: 'api',
      level: 'standard',
      payload: { text: 'Send the receipt to [EMAIL] please' },
    });
    expect(records[4]!.payload).toEqual({
      text: 'We emailed [EMAIL] the receipt.',
      tier: 'intelligent',
    });
    expect(JSON.stringify(records)).not.toContain('maria.lopez');
    expect((await audit.verify({ tenantId: 'acme' })).ok).toBe(true);
    expect((await agent.describe()).stages.find((stage) => stage.name === 'audit')?.status).toBe('on');
    await agent.close();
    // The same config again: no new config-changed record; a changed one names what changed.
    const again = await agentWith({ audit: { level: 'standard' } });
    await again.start();
    const changed = await agentWith({ audit: { level: 'standard' }, systemPrompt: 'Be brief.' });
    await changed.start();
    const configs = (await allRecords((await changed.audit())!)).filter(
      (record) => record.eventType === 'config-changed',
    );
    expect(configs).toHaveLength(2);
    expect(configs[1]!.payload).toMatchObject({ changedKeys: ['systemPrompt'] });
    await again.close();
    await changed.close();
  });

  it('commits a cache hit once: interaction, conversation turn, cost rollup and audit records together', async () => {
    opened ??= await engine.open();
    const counted = countedStore(opened.store);
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'greeter',
      store: counted.store,
      runtime: new FunctionRuntime(async () => 'from the model'),
      audit: { level: 'standard' },
      messageHandling: { maintainContext: true },
      optimization: {
        cacheRules: [{ pattern: 'greeting', ttl: 3_600, response: 'Hello! How can I help?' }],
        fallback: ['cache', 'intelligent'],
      },
    });
    await agent.start();
    const before = counted.commits();
    const replies = [];
    for (let index = 0; index < 3; index++) replies.push(await agent.handle({ text: 'hello' }));
    expect(replies.map((reply) => reply.tier)).toEqual(['cache', 'cache', 'cache']);
    expect(counted.commits() - before).toBe(3);
    // Everything the hit writes is there once the reply returned.
    const last = replies[2]!;
    const records = (await allRecords((await agent.audit())!)).filter(
      (record) => record.interactionId === last.interactionId,
    );
    expect(records.map((record) => record.eventType)).toEqual([
      'message-received',
      'tier-answered',
      'interaction-completed',
      'reply-sent',
    ]);
    expect(await opened.store.interactions.get('acme', last.interactionId)).toMatchObject({
      tier: 'cache',
    });
    const costs = await new CostRollups(opened.store).report({ tenantId: 'acme', agentId: 'greeter' });
    expect(costs.totals.requests).toBe(3);
    // A shared commit that fails is tried again write by write: the reply returns, the chain still holds.
    counted.failNext();
    const retried = await agent.handle({ text: 'hello' });
    expect(retried.tier).toBe('cache');
    expect(counted.commits() - before).toBe(5);
    expect(await opened.store.interactions.get('acme', retried.interactionId)).toBeDefined();
    expect((await (await agent.audit())!.verify({ tenantId: 'acme' })).ok).toBe(true);
    await agent.close();
  });

  it('appends an interaction in one commit, durable when the reply returns; a failed one at once', async () => {
    opened ??= await engine.open();
    const store = opened.store;
    const counted = countedStore(store);
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'desk',
      store: counted.store,
      runtime: new FunctionRuntime(async (request) => {
        if (request.prompt.includes('fail')) throw new Error('model down');
        return 'Fresh bread at eight.';
      }),
      audit: { level: 'standard' },
    });
    await agent.start();
    const before = counted.commits();
    const reply = await agent.handle({ text: 'When is bread ready?' });
    // One commit for the interaction (with its conversation turn and cost rollup) and its audit records
    // message-received, tier-answered, interaction-completed and reply-sent (three before: the interaction,
    // the cost rollup and the audit records each committed apart).
    expect(counted.commits() - before).toBe(1);
    const records = (await allRecords((await agent.audit())!)).filter(
      (record) => record.interactionId === reply.interactionId,
    );
    expect(records.map((record) => record.eventType)).toEqual([
      'message-received',
      'tier-answered',
      'interaction-completed',
      'reply-sent',
    ]);
    // A failed interaction: its records are durable before the error reaches the caller.
    const failed = await agent.handle({ text: 'please fail' }).catch((error: unknown) => error);
    const failedId = (failed as { details?: { interactionId?: string } }).details?.interactionId;
    expect(failedId).toBeTruthy();
    const failedRecords = (await allRecords((await agent.audit())!)).filter(
      (record) => record.interactionId === failedId,
    );
    expect(failedRecords.map((record) => record.eventType)).toEqual([
      'message-received',
      'interaction-completed',
    ]);
    expect((await (await agent.audit())!.verify({ tenantId: 'acme' })).ok).toBe(true);
    await agent.close();
  });

  it('encrypts through the agent with STEWARD_AUDIT_KEY from the environment, and masks sender ids', async () => {
    vi.stubEnv('STEWARD_AUDIT_KEY', `k1:${masterKey}`);
    try {
      const agent = await agentWith({ audit: { level: 'detailed', compliance: { encryption: true } } });
      const reply = await agent.handle({ text: 'hello there', senderId: '+44 20 7946 0958' });
      const audit = (await agent.audit())!;
      const [message] = (await audit.search({ tenantId: 'acme', eventTypes: ['message-received'] })).records;
      expect(message).toMatchObject({ keyId: 'k1', interactionId: reply.interactionId, actor: '[PHONE]' });
      expect(String(message!.payload.text)).toMatch(/^enc:v1:k1:/);
      const [decrypted] = await audit.decrypt([message!], 'auditor');
      expect(decrypted!.payload.text).toBe('hello there');
      await agent.close();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('raises permission_escalation alerts as audit records and delivers them to the sinks', async () => {
    const agent = await agentWith({
      trust: { initial: 0.3, permissions: { 0.3: ['Read'], 0.6: ['Read', 'Write'] } },
      audit: { analytics: { alerts: ['permission_escalation'] } },
    });
    await agent.start();
    const audit = (await agent.audit())!;
    const delivered: Alert[] = [];
    audit.addAlertSink(createChannelAlertSink({ send: async (alert) => void delivered.push(alert) }));
    await agent.handle({ text: 'hello' });
    const trust = (await agent.trust())!;
    await trust.service.operatorAction(
      { tenantId: 'acme', agentId: 'desk' },
      { type: 'set', level: 0.7 },
      'ops@acme',
      'pilot',
    );
    // Lowering trust, a reset to where it is, and a move within a band allow no new tool: no alert.
    const scope = { tenantId: 'acme', agentId: 'desk' };
    await trust.service.operatorAction(scope, { type: 'set', level: 0.3 }, 'ops@acme', 'pilot over');
    await trust.service.operatorAction(scope, { type: 'reset' }, 'ops@acme', 'clean slate');
    await trust.service.operatorAction(scope, { type: 'set', level: 0.5 }, 'ops@acme', 'a bit more');
    await agent.close();
    const alerts = (await allRecords(audit)).filter((record) => record.eventType === 'audit-alert-raised');
    expect(alerts).toHaveLength(1);
    const [raised] = alerts;
    expect(raised).toMatchObject({
      agentId: 'desk',
      payload: {
        type: 'permission_escalation',
        reason: 'operator-override',
        summary: 'ops@acme set the trust of desk from 0.3 to 0.7: now allows Write',
      },
    });
    expect(delivered).toEqual([expect.objectContaining({ type: 'permission_escalation', tenantId: 'acme' })]);
  });

  it('records operator actions: cache invalidation and pattern retirement, with the actor', async () => {
    const agent = await agentWith({
      runtime: new FunctionRuntime(async () => 'We open at 9.'),
      audit: {},
      optimization: {
        cacheRules: [{ similarity: 0.9, ttl: 60 }],
        patterns: { autoDetect: true, minFrequency: 1, confidence: 0.9 },
      },
    });
    await agent.handle({ text: 'when do you open' });
    expect(await agent.invalidateCache({ actor: 'ops@acme' })).toBe(1);
    const patterns = (await agent.patterns())!;
    const [pattern] = await patterns.list({ tenantId: 'acme' });
    await patterns.retire({ tenantId: 'acme', agentId: 'desk', id: pattern!.id, actor: 'ops@acme' });
    const audit = (await agent.audit())!;
    const actions = (await allRecords(audit)).filter((record) => record.eventType === 'operator-action');
    expect(actions.map((record) => [record.actor, record.payload.action])).toEqual([
      ['ops@acme', 'cache-invalidated'],
      ['ops@acme', 'pattern-retired'],
    ]);
    await agent.close();
  });

  it('keeps text out at minimal and tool data out below detailed', async () => {
    opened ??= await engine.open();
    const levels = ['minimal', 'standard', 'detailed'] as const;
    const stored: Record<string, AuditRecord> = {};
    for (const level of levels) {
      const audit = new Audit(opened.store, { level });
      stored[`${level}-message`] = await audit.recordEvent({
        name: 'message-received',
        payload: { ...scope, at: 1, text: 'hello' },
      });
      stored[`${level}-tool`] = await audit.recordEvent({
        name: 'tool-call-requested',
        payload: {
          ...scope,
          at: 2,
          toolUseId: 't1',
          toolName: 'lookup',
          input: { order: 'A-1', email: 'jo@example.com' },
        },
      });
      await audit.close();
    }
    expect(stored['minimal-message']!.payload).toEqual({});
    expect(stored['standard-message']!.payload).toEqual({ text: 'hello' });
    expect(stored['minimal-tool']!.payload).toEqual({ toolUseId: 't1', toolName: 'lookup' });
    expect(stored['standard-tool']!.payload).toEqual({ toolUseId: 't1', toolName: 'lookup' });
    expect(stored['detailed-tool']!.payload).toEqual({
      toolUseId: 't1',
      toolName: 'lookup',
      input: { order: 'A-1', email: '[EMAIL]' },
    });
  });

  it('encrypts text and tool data, keeps the key id, and audits every decrypting read', async () => {
    opened ??= await engine.open();
    const keyProvider = createEnvKeyProvider({ keys: { k1: masterKey } });
    const audit = new Audit(
      opened.store,
      { level: 'detailed', compliance: { encryption: true } },
      { keyProvider },
    );
    const record = await audit.recordEvent({
      name: 'message-received',
      payload: { ...scope, at: 5, text: 'my card is 4111 1111 1111 1111, order A-77' },
    });
    expect(record.keyId).toBe('k1');
    expect(String(record.payload.text)).toMatch(/^enc:v1:k1:/);
    expect(JSON.stringify(record)).not.toContain('A-77');
    keyProvider.rotate(Buffer.alloc(32, 9).toString('base64'), 'k2');
    await audit.recordEvent({ name: 'message-received', payload: { ...scope, at: 6, text: 'second' } });
    const [stored] = (await audit.search({ tenantId: 'acme', eventTypes: ['message-received'], limit: 2 }))
      .records;
    expect(stored?.keyId).toBe('k2');
    const [rotation] = (await audit.search({ tenantId: 'acme', eventTypes: ['audit-key-rotated'] })).records;
    expect(rotation).toMatchObject({ seq: 2, payload: { previousKeyId: 'k1', keyId: 'k2' } });
    const messages = (await allRecords(audit)).filter((entry) => entry.eventType === 'message-received');
    const decrypted = await audit.decrypt(messages, 'auditor@acme');
    expect(decrypted.map((entry) => entry.payload.text)).toEqual(['my card is [CARD], order A-77', 'second']);
    const reads = (await audit.search({ tenantId: 'acme', eventTypes: ['audit-record-decrypted'] })).records;
    expect(reads).toEqual([
      expect.objectContaining({ actor: 'auditor@acme', payload: expect.objectContaining({ seqs: [1, 3] }) }),
    ]);
    // A ciphertext moved to another tenant's record does not decrypt there.
    await expect(audit.decrypt([{ ...record, tenantId: 'globex' }], 'auditor@acme')).rejects.toMatchObject({
      code: 'decryption-failed',
    });
    expect((await audit.verify()).ok).toBe(true);
    await audit.close();
  });
});
