/**
 * The CLI and the HTTP API make an agent's state changes through the same service code: each action is
 * taken once over HTTP and once with `steward`, and the audit records of the two must match (event
 * type, level, payload, masking, alerts); the actor differs only by what identifies the caller.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditRecord, searchAuditRecords } from '../audit/index.js';
import { comparable, openParityHarness, type ParityHarness } from './__support__/parity.js';

const email = 'carol@example.com';

describe.each(['sqlite', 'postgres'] as const)('CLI and HTTP audit alike (%s)', (engine) => {
  let harness: ParityHarness;
  beforeAll(async () => {
    harness = await openParityHarness(engine);
  });
  afterAll(async () => harness?.close());

  /** The records of one action through HTTP and of the same action through the CLI. */
  async function both(
    http: () => Promise<Response>,
    cli: string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ viaHttp: AuditRecord[]; viaCli: AuditRecord[] }> {
    const before = await harness.mark();
    const response = await http();
    expect(response.status, await response.clone().text()).toBe(200);
    const between = await harness.mark();
    const result = await harness.steward(cli, env);
    expect(result, result.err).toMatchObject({ code: 0 });
    return {
      viaHttp: await recordsBetween(before, between),
      viaCli: await harness.recordsAfter(between),
    };
  }
  async function recordsBetween(from: number, to: number): Promise<AuditRecord[]> {
    return (await harness.recordsAfter(from)).filter((record) => record.seq <= to);
  }
  const trustAction = (body: Record<string, unknown>) => () =>
    harness.request('POST', '/api/agents/desk/trust', body);

  it('trust set|freeze|unfreeze|reset record alike', async () => {
    const reason = `ticket from ${email}`;
    for (const [action, extra] of [
      ['reset', []],
      ['set', ['--level', '0.5']],
      ['freeze', []],
      ['unfreeze', []],
      ['reset', []],
    ] as const) {
      // Put both paths at the same starting point: the HTTP action, then undo it, then the CLI action.
      const body = { action, reason, ...(action === 'set' ? { level: 0.5 } : {}) };
      const before = await harness.mark();
      const state = await (await harness.request('GET', '/api/agents/desk/trust')).json();
      const response = await harness.request('POST', '/api/agents/desk/trust', body);
      expect(response.status, action).toBe(200);
      const viaHttp = await harness.recordsAfter(before);
      await restore(state as { level: number; frozen: boolean });
      const between = await harness.mark();
      const cli = await harness.steward([
        'trust',
        action,
        ...extra,
        '--reason',
        reason,
        '--token',
        harness.token,
      ]);
      expect(cli.code, cli.err).toBe(0);
      const viaCli = await harness.recordsAfter(between);
      expect(
        viaCli.map((record) => comparable(record)),
        action,
      ).toEqual(viaHttp.map((record) => comparable(record)));
      expect(JSON.stringify(viaCli), action).not.toContain(email);
      expect(viaCli[0]?.actor, action).toBe(harness.keyActor);
    }
  });

  it('approve and deny record alike (the approval id aside)', async () => {
    await restore({ level: 0.3, frozen: false });
    const trust = (await harness.agent.trust())!;
    const scope = { tenantId: 'acme', agentId: 'desk' };
    const guard = await trust.guardFor(scope, 'i-approvals');
    const decisions = [1, 2, 3, 4].map((n) =>
      guard.decide(
        'Write',
        { file_path: `notes-${n}.txt` },
        { ...scope, interactionId: 'i-approvals', toolUseId: `t${n}`, source: 'can-use-tool' },
      ),
    );
    let pending: Array<{ id: string; toolInput?: unknown }> = [];
    await expect
      .poll(async () => {
        pending = (await trust.approvals.list({ tenantId: 'acme', status: 'pending' })) as typeof pending;
        return pending.length;
      })
      .toBe(4);
    await expect
      .poll(async () => {
        const page = await searchAuditRecords(harness.store, {
          tenantId: 'acme',
          eventTypes: ['trust-approval-requested'],
        });
        return page.records.length;
      })
      .toBe(4);
    const note = `checked with ${email}`;
    for (const [decision, httpId, cliId] of [
      ['approve', pending[0]!.id, pending[1]!.id],
      ['deny', pending[2]!.id, pending[3]!.id],
    ] as const) {
      const { viaHttp, viaCli } = await both(
        () => harness.request('POST', `/api/approvals/${httpId}`, { decision, note }),
        ['trust', decision, cliId, '--note', note, '--token', harness.token],
      );
      const ignore = ['approvalId', 'toolUseId', 'toolInput', 'input'];
      expect(viaCli.map((record) => comparable(record, ignore))).toEqual(
        viaHttp.map((record) => comparable(record, ignore)),
      );
      expect(viaCli.length).toBeGreaterThan(0);
      expect(JSON.stringify(viaCli)).not.toContain(email);
    }
    expect((await Promise.all(decisions)).map((decision) => decision.behavior).sort()).toEqual([
      'allow',
      'allow',
      'deny',
      'deny',
    ]);
  });

  it('cache clear, patterns retire and patterns clear record alike', async () => {
    const cache = await both(
      () => harness.request('DELETE', '/api/agents/desk/cache'),
      ['cache', 'clear', '--token', harness.token],
    );
    expect(cache.viaCli.map((record) => comparable(record))).toEqual(
      cache.viaHttp.map((record) => comparable(record)),
    );
    expect(cache.viaCli.map((record) => [record.eventType, record.actor])).toEqual([
      ['operator-action', harness.keyActor],
    ]);

    await insertPattern('p-http', 'We open at 8.');
    await insertPattern('p-cli', 'We close at 6.');
    const retired = await both(
      () => harness.request('POST', '/api/agents/desk/patterns/p-http/retire'),
      ['patterns', 'retire', 'p-cli', '--token', harness.token],
    );
    expect(retired.viaCli.map((record) => comparable(record, ['details']))).toEqual(
      retired.viaHttp.map((record) => comparable(record, ['details'])),
    );
    expect(retired.viaCli[0]?.payload).toMatchObject({
      action: 'pattern-retired',
      details: { patternId: 'p-cli' },
    });

    // Each path forgets the same number of patterns: two retired ones and one new one.
    await insertPattern('p-1', 'Yes, we deliver.');
    const before = await harness.mark();
    expect((await harness.request('DELETE', '/api/agents/desk/patterns')).status).toBe(200);
    const viaHttp = await harness.recordsAfter(before);
    await insertPattern('p-http', 'We open at 8.');
    await insertPattern('p-cli', 'We close at 6.');
    await insertPattern('p-2', 'Yes, we deliver.');
    const between = await harness.mark();
    expect((await harness.steward(['patterns', 'clear', '--token', harness.token])).code).toBe(0);
    const viaCli = await harness.recordsAfter(between);
    expect(viaCli.map((record) => comparable(record))).toEqual(viaHttp.map((record) => comparable(record)));
    expect(viaCli[0]?.payload).toMatchObject({ action: 'patterns-forgotten', details: { removed: 3 } });
  });

  it('names the CLI user without a key: --actor as cli:NAME, else the OS login', async () => {
    const reason = 'weekly check';
    const named = await both(trustAction({ action: 'freeze', reason }), [
      'trust',
      'unfreeze',
      '--reason',
      reason,
      '--actor',
      'alice',
    ]);
    expect(named.viaHttp[0]?.actor).toBe(harness.keyActor);
    expect(named.viaCli[0]?.actor).toBe('cli:alice');
    const login = await harness.steward(['trust', 'freeze', '--reason', reason], { USER: 'bob' });
    expect(login.code, login.err).toBe(0);
    const history = await harness.steward(['trust', 'history', '--limit', '1', '--json']);
    expect(JSON.parse(history.out)[0]).toMatchObject({ kind: 'freeze', actor: 'os-user:bob' });
  });

  it('refuses a key whose role may not act, naming the token', async () => {
    const viewer = await harness.keys.create({ name: 'viewer', role: 'viewer', tenants: '*' }, 'test setup');
    const refused = await harness.steward(['cache', 'clear'], { STEWARD_TOKEN: viewer.token });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('STEWARD_TOKEN does not allow this');
    const unknown = await harness.steward(['cache', 'clear', '--token', 'stw_nope_nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('--token does not allow this');
  });

  async function restore(state: { level: number; frozen: boolean }): Promise<void> {
    const trust = (await harness.agent.trust())!;
    const scope = { tenantId: 'acme', agentId: 'desk' };
    await trust.service.operatorAction(scope, { type: 'reset' }, 'test', 'restore');
    if (state.level !== (await trust.service.snapshot(scope)).level) {
      await trust.service.operatorAction(scope, { type: 'set', level: state.level }, 'test', 'restore');
    }
    if (state.frozen) await trust.service.operatorAction(scope, { type: 'freeze' }, 'test', 'restore');
  }

  async function insertPattern(id: string, text: string): Promise<void> {
    const now = Date.now();
    await sql`insert into patterns (id, tenant_id, agent_id, shape_hash, answer_key, response_text, status, support, served, created_at, updated_at)
      values (${id}, 'acme', 'desk', ${`shape-${id}`}, ${`answer-${id}`}, ${text}, 'active', 3, 0, ${now}, ${now})`.execute(
      harness.store.db,
    );
  }
});
