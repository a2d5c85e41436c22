import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { ClaudeAgent } from '../agent/index.js';
import type { AuditRecord, ChainVerification } from '../audit/index.js';
import { Audit, createEnvKeyProvider } from '../audit/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';

const masterKey = Buffer.alloc(32, 7).toString('base64');
const otherKey = Buffer.alloc(32, 9).toString('base64');
const start = Date.parse('2024-05-01T00:00:00Z');
const minute = 60_000;

interface Page {
  records: AuditRecord[];
  nextCursor: string | null;
}

describe.each(storeEngines)('audit API on $name', (engine) => {
  let opened: TestStore;
  let app: StewardApp;
  let seeder: Audit;
  let clock = start;
  const now = () => clock;
  const logged: string[] = [];

  beforeAll(async () => {
    vi.stubEnv('STEWARD_AUDIT_KEY', `k1:${masterKey}`);
    opened = await engine.open();
    const { store } = opened;
    const runtime = new FunctionRuntime(async () => 'ok');
    const agents = [
      new ClaudeAgent({
        tenantId: 'acme',
        agentId: 'desk',
        store,
        runtime,
        now,
        // Not `compliance.encryption`: the records below are encrypted by the seeder, and the agent's
        // Audit decrypts with STEWARD_AUDIT_KEY all the same.
        audit: { level: 'standard' },
      }),
      new ClaudeAgent({ tenantId: 'globex', agentId: 'plain', store, runtime, now }),
    ];
    app = createApp({
      agents,
      store,
      runtime,
      metrics: createMetrics({ processMetrics: false }),
      logError: (line) => logged.push(line),
    });
    // acme seq 1: the agent's config-changed record at `start`.
    await agents[0]!.start();
    seeder = new Audit(
      store,
      { level: 'standard', compliance: { encryption: true } },
      { now, keyProvider: createEnvKeyProvider({ keys: { k1: masterKey } }) },
    );
    const types = ['message-received', 'tool-call-denied', 'reply-sent'];
    // acme seq 2..7 at start + 1..6 minutes; globex and initech interleaved in time.
    for (let index = 1; index <= 6; index++) {
      await seeder.append({
        tenantId: 'acme',
        agentId: index % 2 === 0 ? 'desk' : 'helper',
        conversationId: `c-${index % 2}`,
        eventType: types[index % 3]!,
        at: start + index * minute,
        level: 'standard',
        payload: { text: `acme ${index}: mail jo@example.com` },
      });
    }
    for (let index = 0; index < 3; index++) {
      for (const tenantId of ['globex', 'initech']) {
        await seeder.append({
          tenantId,
          agentId: 'plain',
          eventType: 'message-received',
          at: start + index * 2 * minute + 30_000,
          level: 'standard',
          payload: { text: `${tenantId} ${index}` },
        });
      }
    }
    clock = start + 10 * minute;
  });

  afterAll(async () => {
    await seeder.close();
    await app.lifecycle.closeResources();
    await opened.cleanup();
    vi.unstubAllEnvs();
  });

  const search = async (query: string): Promise<Page> => {
    const response = await app.request(`/api/audit?${query}`);
    expect(response.status, query).toBe(200);
    return (await response.json()) as Page;
  };
  const decrypt = (body: unknown, actor?: string) =>
    app.request('/api/audit/decrypt', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(actor ? { 'x-steward-actor': actor } : {}) },
      body: JSON.stringify(body),
    });

  it('requires a tenant and rejects malformed queries with a 400 naming the field', async () => {
    const missing = await app.request('/api/audit?agentId=desk');
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
      'tenantId is required',
    );
    for (const query of [
      'tenantId=acme&limit=0',
      'tenantId=acme&limit=5000',
      'tenantId=acme&from=yesterday',
      'tenantId=acme&from=2024-05-02&to=2024-05-01',
      'tenantId=acme&bogus=1',
      'tenantId=acme&tenantId=globex',
      'tenantId=acme&eventType=',
      'tenantId=acme&eventType=not%20a%20type',
      'tenantId=acme&cursor=garbage',
      'tenantId=bad%20id',
      // Calendar-invalid days and times, which Date.parse rolls over into the next month or day.
      'tenantId=acme&from=2024-02-30',
      'tenantId=acme&to=2023-02-29T10:00:00Z',
      'tenantId=acme&from=2024-04-31T00:00Z',
      'tenantId=acme&to=2024-05-01T24:00:00Z',
      'tenantId=acme&from=2024-05-01T12:00:00%2B24:00',
      'tenantId=acme&from=99999999999999999',
    ]) {
      const response = await app.request(`/api/audit?${query}`);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid-request');
    }
  });

  it('returns the records newest first, masked and still encrypted', async () => {
    const page = await search('tenantId=acme');
    expect(page.records.map((record) => record.seq)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(page.nextCursor).toBeNull();
    expect(page.records[0]).toMatchObject({ tenantId: 'acme', eventType: 'message-received', keyId: 'k1' });
    expect(String(page.records[0]!.payload.text)).toMatch(/^enc:v1:k1:/);
    expect(JSON.stringify(page)).not.toContain('jo@example.com');
    expect(page.records.at(-1)!.eventType).toBe('config-changed');
  });

  it('filters by agent, conversation, event types and time (ISO or epoch ms), and pages', async () => {
    const seqs = async (query: string) =>
      (await search(`tenantId=acme&${query}`)).records.map((record) => record.seq);
    expect(await seqs('agentId=helper')).toEqual([6, 4, 2]);
    expect(await seqs('conversationId=c-0')).toEqual([7, 5, 3]);
    // index % 3: 1 tool-call-denied, 2 reply-sent, 0 message-received; seq = index + 1.
    expect(await seqs('eventType=tool-call-denied,reply-sent')).toEqual([6, 5, 3, 2]);
    expect(await seqs('eventType=tool-call-denied&eventType=reply-sent')).toEqual([6, 5, 3, 2]);
    expect(await seqs('from=2024-05-01T00:02:00Z&to=2024-05-01T00:04:00Z')).toEqual([4, 3]);
    expect(await seqs(`from=${start + 5 * minute}`)).toEqual([7, 6]);
    const first = await search('tenantId=acme&limit=3');
    expect(first.records.map((record) => record.seq)).toEqual([7, 6, 5]);
    const second = await search(`tenantId=acme&limit=3&cursor=${first.nextCursor}`);
    expect(second.records.map((record) => record.seq)).toEqual([4, 3, 2]);
  });

  it("never returns another tenant's rows for a cursor taken from one tenant's query", async () => {
    const acme = await search('tenantId=acme&limit=2');
    expect(acme.nextCursor).not.toBeNull();
    const globex = await search(`tenantId=globex&cursor=${acme.nextCursor}`);
    expect(globex.records.length).toBeGreaterThan(0);
    expect(globex.records.every((record) => record.tenantId === 'globex')).toBe(true);
    const acmeIds = new Set((await search('tenantId=acme')).records.map((record) => record.id));
    expect(globex.records.some((record) => acmeIds.has(record.id))).toBe(false);
  });

  it('verifies the chains, and reports a row edited with SQL', async () => {
    const response = await app.request('/api/audit/verify?tenantId=acme');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: true,
      tenants: [{ tenantId: 'acme', records: 7, problems: [] }],
    });
    const all = (await (await app.request('/api/audit/verify')).json()) as ChainVerification;
    expect(all.tenants.map((tenant) => tenant.tenantId)).toEqual(['acme', 'globex', 'initech']);
    expect((await app.request('/api/audit/verify?bogus=1')).status).toBe(400);

    await sql`update audit_records set payload = ${'{"text":"initech 1 (edited)"}'} where tenant_id = ${'initech'} and seq = ${2}`.execute(
      opened.store.db,
    );
    const tampered = await app.request('/api/audit/verify?tenantId=initech');
    expect(tampered.status).toBe(200);
    const report = (await tampered.json()) as ChainVerification;
    expect(report.ok).toBe(false);
    expect(report.tenants[0]!.problems[0]).toMatchObject({ kind: 'modified', seq: 2 });
    const others = (await (
      await app.request('/api/audit/verify?tenantId=globex')
    ).json()) as ChainVerification;
    expect(others.ok).toBe(true);
  });

  it('decrypts records by seq or id, and audits the read with the key as actor (X-Steward-Actor a note)', async () => {
    const response = await decrypt({ tenantId: 'acme', seqs: [3, 2] }, 'alice');
    expect(response.status).toBe(200);
    const { records } = (await response.json()) as { records: AuditRecord[] };
    expect(records.map((record) => [record.seq, record.payload.text])).toEqual([
      [2, 'acme 1: mail [EMAIL]'],
      [3, 'acme 2: mail [EMAIL]'],
    ]);
    const byId = await decrypt({ tenantId: 'acme', ids: [records[0]!.id] }, 'bob');
    expect(((await byId.json()) as { records: AuditRecord[] }).records[0]!.seq).toBe(2);

    const reads = await search('tenantId=acme&eventType=audit-record-decrypted');
    const local = 'key:local (local demo, no keys configured)';
    expect(reads.records.map((record) => [record.actor, record.agentId, record.payload.seqs])).toEqual([
      [`${local} on behalf of bob`, 'helper', [2]],
      [`${local} on behalf of alice`, 'desk', [3]],
      [`${local} on behalf of alice`, 'helper', [2]],
    ]);
    const noNote = await decrypt({ tenantId: 'acme', seqs: [2] });
    expect(noNote.status).toBe(200);
    const latest = await search('tenantId=acme&eventType=audit-record-decrypted&limit=1');
    expect(latest.records[0]!.actor).toBe(local);
    expect(reads.records.every((record) => record.at === clock)).toBe(true);
  });

  it('answers 404 for unknown records (also those of another tenant) and 400 for a bad body', async () => {
    const unknown = await decrypt({ tenantId: 'acme', seqs: [2, 999] }, 'alice');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not-found', details: { missing: [999] } } });
    const acmeRecord = (await search('tenantId=acme&limit=1')).records[0]!;
    expect((await decrypt({ tenantId: 'globex', ids: [acmeRecord.id] }, 'alice')).status).toBe(404);
    for (const body of [
      { tenantId: 'acme' },
      { tenantId: 'acme', seqs: [1], ids: ['x'] },
      { tenantId: 'acme', seqs: [] },
      { tenantId: 'acme', seqs: [0] },
      { seqs: [1] },
    ]) {
      expect((await decrypt(body, 'alice')).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('decrypts for a tenant without an audited agent, and says clearly when the key is missing or wrong', async () => {
    const plain = await decrypt({ tenantId: 'globex', seqs: [1] }, 'carol');
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as { records: AuditRecord[] }).records[0]!.payload.text).toBe('globex 0');
    expect((await search('tenantId=globex&eventType=audit-record-decrypted')).records).toHaveLength(1);

    vi.stubEnv('STEWARD_AUDIT_KEY', '');
    const noKey = await decrypt({ tenantId: 'globex', seqs: [1] }, 'carol');
    expect(noKey.status).toBe(403);
    const denied = (await noKey.json()) as { error: { code: string; message: string } };
    expect(denied.error.code).toBe('permission-denied');
    expect(denied.error.message).toContain('set STEWARD_AUDIT_KEY');

    vi.stubEnv('STEWARD_AUDIT_KEY', `k1:${otherKey}`);
    const wrongKey = await decrypt({ tenantId: 'globex', seqs: [2] }, 'carol');
    expect(wrongKey.status).toBe(500);
    const failed = (await wrongKey.json()) as { error: { code: string; message: string } };
    expect(failed.error.code).toBe('decryption-failed');
    expect(failed.error.message).toContain('STEWARD_AUDIT_KEY');
    expect(logged).toEqual(['[steward] POST /api/audit/decrypt failed: decryption-failed']);
    vi.stubEnv('STEWARD_AUDIT_KEY', `k1:${masterKey}`);
    // Failed reads decrypt nothing and record nothing.
    expect((await search('tenantId=globex&eventType=audit-record-decrypted')).records).toHaveLength(1);
  });
});
