import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../agent/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';
import { openStore } from '../store/index.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';

let dir: string;
let store: StewardStore;
let app: StewardApp;
let agents: ClaudeAgent[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-trust-api-'));
  store = await openStore({ path: join(dir, 'steward.db') }, {});
  const runtime = new FunctionRuntime(async () => 'ok');
  agents = [
    new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'front-desk',
      store,
      runtime,
      trust: {
        initial: 0.3,
        permissions: { 0.1: ['Read'], 0.3: ['Read', 'mcp__slack__*'], 0.5: ['Read', 'Write', 'mcp__*'] },
        rules: [{ metric: 'error_rate', threshold: 0.5, action: 'decrement', amount: 0.2 }],
        minSamples: 1,
        cooldown: '0s',
        approval: { enabled: true, timeout: '10s' },
      },
    }),
    new ClaudeAgent({ tenantId: 'globex', agentId: 'no-trust', store, runtime }),
  ];
  app = createApp({ agents, store, runtime, metrics: createMetrics({ processMetrics: false }) });
});

afterAll(async () => {
  await app.lifecycle.closeResources();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('trust API', () => {
  it('shows the level, the allowed tools and the window metrics', async () => {
    const response = await app.request('/api/agents/front-desk/trust');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      tenantId: 'acme',
      level: 0.3,
      frozen: false,
      allowedTools: ['Read', 'mcp__slack__*'],
      metrics: { samples: 0 },
    });
  });

  it('answers 404 for an unknown agent and for an agent without trust', async () => {
    expect((await app.request('/api/agents/nobody/trust')).status).toBe(404);
    const response = await app.request('/api/agents/no-trust/trust');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not-found' } });
  });

  it('carries out operator actions and lists them in the history', async () => {
    const set = await post('/api/agents/front-desk/trust', {
      action: 'set',
      level: 0.5,
      actor: 'alice',
      reason: 'onboarding review passed',
    });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ level: 0.5 });
    expect((await post('/api/agents/front-desk/trust', { action: 'freeze', actor: 'alice' })).status).toBe(
      400,
    );
    expect(
      (await post('/api/agents/front-desk/trust', { action: 'set', level: 2, actor: 'a', reason: 'r' }))
        .status,
    ).toBe(400);
    expect(
      (await post('/api/agents/front-desk/trust', { action: 'promote', actor: 'a', reason: 'r' })).status,
    ).toBe(400);
    const history = (await (await app.request('/api/agents/front-desk/trust/history?limit=5')).json()) as {
      entries: Array<{ kind: string; actor: string; reason: string; to: number }>;
    };
    expect(history.entries[0]).toMatchObject({
      kind: 'set',
      // The key acts (here the keyless local demo's admin); the body's actor is a note.
      actor: 'key:local (local demo, no keys configured) on behalf of alice',
      reason: 'onboarding review passed',
      to: 0.5,
    });
    expect((await app.request('/api/agents/front-desk/trust/history?limit=0')).status).toBe(400);
  });

  it('answers 409 to a set on a frozen agent, unless the set also unfreezes it', async () => {
    const act = (body: Record<string, unknown>) =>
      post('/api/agents/front-desk/trust', { actor: 'alice', reason: 'review', ...body });
    expect((await act({ action: 'freeze' })).status).toBe(200);
    const refused = await act({ action: 'set', level: 0.3 });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: 'conflict', details: { frozen: true } } });
    expect((await act({ action: 'freeze', unfreeze: true })).status).toBe(400);
    const set = await act({ action: 'set', level: 0.3, unfreeze: true });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ level: 0.3, frozen: false });
    expect((await act({ action: 'set', level: 0.5 })).status).toBe(200);
  });

  it('takes feedback on an interaction; negative feedback counts as an error for trust', async () => {
    const reply = (await (await post('/api/agents/front-desk/messages', { text: 'hi' })).json()) as {
      interactionId: string;
    };
    const before = (await (await app.request('/api/agents/front-desk/trust')).json()) as { level: number };
    const feedback = await post(`/api/interactions/${reply.interactionId}/feedback`, {
      rating: 'negative',
      note: 'wrong opening hours',
    });
    expect(feedback.status).toBe(200);
    const after = (await (await app.request('/api/agents/front-desk/trust')).json()) as { level: number };
    expect(after.level).toBeLessThan(before.level);
    const stored = await store.interactions.get('acme', reply.interactionId);
    expect(stored?.feedback).toMatchObject({ rating: 'negative', note: 'wrong opening hours' });
    expect((await post('/api/interactions/nope/feedback', { rating: 'negative' })).status).toBe(404);
    expect((await post(`/api/interactions/${reply.interactionId}/feedback`, { rating: 'meh' })).status).toBe(
      400,
    );
  });

  it('lists pending approvals and lets an operator decide one', async () => {
    const trust = (await agents[0]!.trust())!;
    await trust.service.operatorAction(
      { tenantId: 'acme', agentId: 'front-desk' },
      { type: 'set', level: 0.3 },
      'alice',
      'test',
    );
    const guard = await trust.guardFor({ tenantId: 'acme', agentId: 'front-desk' }, 'interaction-x');
    const decision = guard.decide(
      'Write',
      { file_path: 'notes.txt' },
      {
        tenantId: 'acme',
        agentId: 'front-desk',
        interactionId: 'interaction-x',
        toolUseId: 'toolu_1',
        source: 'pre-tool-use-hook',
      },
    );
    let pending: Array<{ id: string; toolName: string }> = [];
    await expect
      .poll(async () => {
        pending = (
          (await (await app.request('/api/approvals?status=pending')).json()) as { items: typeof pending }
        ).items;
        return pending.length;
      })
      .toBe(1);
    expect(pending[0]?.toolName).toBe('Write');
    expect((await post(`/api/approvals/${pending[0]!.id}`, { decision: 'maybe' })).status).toBe(400);
    const decided = await post(`/api/approvals/${pending[0]!.id}`, { decision: 'approve', actor: 'bob' });
    expect(decided.status).toBe(200);
    expect(await decided.json()).toMatchObject({
      status: 'approved',
      decidedBy: 'key:local (local demo, no keys configured) on behalf of bob',
    });
    expect((await decision).behavior).toBe('allow');
    expect((await post(`/api/approvals/${pending[0]!.id}`, { decision: 'deny', actor: 'bob' })).status).toBe(
      400,
    );
    expect((await post('/api/approvals/unknown', { decision: 'deny', actor: 'bob' })).status).toBe(404);
  });
});
