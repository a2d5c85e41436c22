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
  dir = mkdtempSync(join(tmpdir(), 'steward-dashboard-'));
  const store = await openStore({ path: join(dir, 'steward.db') }, {});
  const runtime = new FunctionRuntime(async () => 'Our hours are 9 to 5.');
  const agents = [
    new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'front-desk',
      store,
      runtime,
      audit: { compliance: { standards: ['HIPAA'] }, analytics: { dashboard: true } },
    }),
    new ClaudeAgent({ tenantId: 'globex', agentId: 'plain', store, runtime, audit: {} }),
  ];
  app = createApp({ agents, store, runtime, metrics: createMetrics({ processMetrics: false }) });
  await app.request('/api/agents/front-desk/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'When are you open? <script>alert(1)</script>' }),
  });
});

afterAll(async () => {
  await app.lifecycle.closeResources();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit dashboard', () => {
  it("shows a tenant's last day as an HTML report, escaped, for tenants that turned it on", async () => {
    const response = await app.request('/api/audit/dashboard?tenantId=acme');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('HIPAA');
    expect(html).toContain('message-received');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect((await app.request('/api/audit/dashboard?tenantId=globex')).status).toBe(404);
    expect((await app.request('/api/audit/dashboard')).status).toBe(400);
    expect((await app.request('/api/audit/dashboard?tenantId=acme&hours=0')).status).toBe(400);
  });

  it('refuses a tenant id that is not an id, without quoting it back', async () => {
    const response = await app.request(`/api/audit/dashboard?tenantId=${'t'.repeat(300)}`);
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('t'.repeat(100));
  });
});
