import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../agent/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { openStore } from '../store/index.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';

let dir: string;
let app: StewardApp;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-costs-api-'));
  const store = await openStore({ path: join(dir, 'steward.db') }, {});
  const runtime = new FunctionRuntime(async () => 'ok', { costUsd: 0.02 });
  const agents = [
    new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'front-desk',
      store,
      runtime,
      model: 'claude-haiku-4-5',
      optimization: {
        budget: { daily: 5, perRequest: 0.5 },
        patterns: { autoDetect: true, minFrequency: 2, confidence: 0.9 },
        fallback: ['cache', 'pattern', 'intelligent'],
      },
    }),
    new ClaudeAgent({ tenantId: 'globex', agentId: 'plain', store, runtime }),
  ];
  app = createApp({ agents, store, runtime, metrics: createMetrics({ processMetrics: false }) });
  for (let index = 0; index < 3; index++) {
    await app.request('/api/agents/front-desk/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: `hello ${index}` }),
    });
  }
});

afterAll(async () => {
  await app.lifecycle.closeResources();
  rmSync(dir, { recursive: true, force: true });
});

describe('optimize API', () => {
  it('reports costs per day and tier from the rollups', async () => {
    const response = await app.request('/api/costs?tenantId=acme');
    expect(response.status).toBe(200);
    const report = (await response.json()) as { totals: { requests: number; costUsd: number } };
    expect(report.totals.requests).toBe(3);
    expect(report.totals.costUsd).toBeCloseTo(0.06, 9);
    expect((await app.request('/api/costs?from=yesterday')).status).toBe(400);
    expect((await app.request('/api/costs?bogus=1')).status).toBe(400);
  });

  it('refuses days that are not on the calendar with 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['from=2024-13-45', 'from'],
      ['from=2024-02-30', 'from'],
      ['to=2023-02-29', 'to'],
      ['to=2024-04-31', 'to'],
      ['from=2024-00-10', 'from'],
      ['to=2024-01-00', 'to'],
    ] as const) {
      const response = await app.request(`/api/costs?${query}`);
      expect(response.status, query).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; details: { field: string } } };
      expect(error.code, query).toBe('invalid-request');
      expect(error.details.field, query).toBe(field);
    }
    expect((await app.request('/api/costs?from=2024-02-29&to=2024-12-31')).status).toBe(200);
  });

  it('invalidates an agent’s cached answers', async () => {
    const cached = await app.request('/api/agents/front-desk/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello 0' }),
    });
    expect(((await cached.json()) as { tier: string }).tier).toBe('cache');
    const response = await app.request('/api/agents/front-desk/cache', { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { removed: number }).removed).toBeGreaterThanOrEqual(1);
    expect((await app.request('/api/agents/plain/cache', { method: 'DELETE' })).status).toBe(404);
  });

  it('lists, retires and forgets patterns', async () => {
    const listed = await app.request('/api/agents/front-desk/patterns?status=candidate');
    expect(listed.status).toBe(200);
    // 'ok' answered three requests: one pattern, active at minFrequency 2.
    expect(((await listed.json()) as { patterns: unknown[] }).patterns).toEqual([]);
    const active = (await (await app.request('/api/agents/front-desk/patterns')).json()) as {
      patterns: Array<{ id: string; status: string; support: number }>;
    };
    expect(active.patterns).toEqual([expect.objectContaining({ status: 'active', support: 3 })]);
    const id = active.patterns[0]!.id;
    expect(
      (await app.request(`/api/agents/front-desk/patterns/${id}/retire`, { method: 'POST' })).status,
    ).toBe(200);
    expect(
      (await app.request('/api/agents/front-desk/patterns/nope/retire', { method: 'POST' })).status,
    ).toBe(404);
    expect((await app.request('/api/agents/front-desk/patterns?status=bogus')).status).toBe(400);
    expect((await app.request('/api/agents/plain/patterns')).status).toBe(404);
    const removed = await app.request('/api/agents/front-desk/patterns', { method: 'DELETE' });
    expect(await removed.json()).toEqual({ removed: 1 });
  });

  it("shows an agent's budget for today", async () => {
    const response = await app.request('/api/agents/front-desk/budget');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ dailyUsd: 5, reservedUsd: 0 });
    expect((await app.request('/api/agents/plain/budget')).status).toBe(404);
  });
});
