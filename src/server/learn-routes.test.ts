import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../agent/index.js';
import { CapabilityStore } from '../learn/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { openStore, type StewardStore } from '../store/index.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';

let dir: string;
let app: StewardApp;
let store: StewardStore;
const scope = { tenantId: 'acme', agentId: 'desk' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-learn-api-'));
  store = await openStore({ path: join(dir, 'steward.db') }, {});
  const runtime = new FunctionRuntime(async () => 'ok');
  const agents = [
    new ClaudeAgent({ ...scope, store, runtime, audit: { level: 'standard' }, learning: { enabled: true } }),
    new ClaudeAgent({ tenantId: 'globex', agentId: 'plain', store, runtime }),
  ];
  app = createApp({ agents, store, runtime, metrics: createMetrics({ processMetrics: false }) });
  const capabilities = new CapabilityStore(store, Date.now);
  const cluster = {
    size: 10,
    confidence: 1,
    cohesion: 0.7,
    consistency: 1,
    separation: 1,
    training: [],
    heldOut: [],
    nearMisses: [],
  };
  const report = {
    passed: true,
    coverage: 0.95,
    requiredCoverage: 0.9,
    abstention: 1,
    requiredAbstention: 0.995,
    heldOut: 4,
    others: 30,
    examples: [],
    falseAnswers: [],
    errors: {},
    reasons: [],
  };
  for (const id of ['cap-1', 'cap-2']) {
    await capabilities.insertDetected(scope, { id, scopeKey: 's', clusterSignature: id, cluster });
    await capabilities.recordGeneration(scope, id, {
      code: 'function handler() { return null; }',
      prompt: 'p',
      costUsd: 0.01,
    });
    await capabilities.recordValidation(scope, id, report, 'pending-approval', 10);
  }
});

afterAll(async () => {
  await app.lifecycle.closeResources();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body?: unknown) =>
  app.request(path, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

describe('learn API', () => {
  it('lists, shows, approves, rejects and rolls back capabilities, and reports the analytics', async () => {
    const listed = await app.request('/api/tenants/acme/agents/desk/capabilities');
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { capabilities: unknown[] }).capabilities).toHaveLength(2);
    const shown = (await (
      await app.request('/api/tenants/acme/agents/desk/capabilities/cap-1')
    ).json()) as Record<string, unknown>;
    expect(shown).toMatchObject({ state: 'pending-approval', code: 'function handler() { return null; }' });
    expect(shown.validationReport).toMatchObject({ coverage: 0.95 });

    const approved = await post('/api/tenants/acme/agents/desk/capabilities/cap-1/approve');
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({
      state: 'canary',
      decidedBy: expect.stringContaining('local'),
    });
    expect((await post('/api/tenants/acme/agents/desk/capabilities/cap-1/approve')).status).toBe(409);
    const rejected = await post('/api/tenants/acme/agents/desk/capabilities/cap-2/reject', {
      reason: 'wrong tone',
    });
    expect(await rejected.json()).toMatchObject({ state: 'rejected', decisionReason: 'wrong tone' });
    expect(
      (await post('/api/tenants/acme/agents/desk/capabilities/cap-1/rollback', { bogus: 1 })).status,
    ).toBe(400);
    expect(
      await (await post('/api/tenants/acme/agents/desk/capabilities/cap-1/rollback')).json(),
    ).toMatchObject({
      state: 'rolled-back',
    });
    const analytics = (await (await app.request('/api/tenants/acme/agents/desk/learning')).json()) as {
      byState: Record<string, number>;
    };
    expect(analytics.byState).toMatchObject({ 'rolled-back': 1, rejected: 1, 'pending-approval': 0 });
  });

  it('answers another tenant, an unknown agent or an agent without learning with 404', async () => {
    expect((await app.request('/api/tenants/globex/agents/desk/capabilities')).status).toBe(404);
    expect((await app.request('/api/tenants/acme/agents/nobody/learning')).status).toBe(404);
    expect((await app.request('/api/tenants/globex/agents/plain/learning')).status).toBe(404);
    expect((await app.request('/api/tenants/acme/agents/desk/capabilities/unknown')).status).toBe(404);
  });
});
