/**
 * Property: over three tenants with data (interactions, trust, approvals, audit records, registry
 * entries) and random keys (role × a scope of one or two tenants), every `/api` route of the route table (so a new route is
 * covered without a change here), called with another tenant's ids, never answers 2xx with, or changes,
 * another tenant's data (keys scoped to one or two of the other tenants); and a tenant route for a tenant outside the key's scope answers exactly like one
 * for a tenant that does not exist.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import {
  AgentHost,
  ApiKeyService,
  Authenticator,
  discardChanges,
  Registry,
  registryAgentSource,
  roles,
} from '../fleet/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { ApprovalService } from '../trust/index.js';
import { hostAgentDirectory } from './agent-directory.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';

const tenants = ['tenant-alpha', 'tenant-bravo', 'tenant-charlie'] as const;
/** A tenant that does not exist, as long as the others (errors quote the id). */
const nowhere = 'tenant-nowhere';
const marker = (tenantId: string) => `secret-of-${tenantId}`;

describe('tenant isolation over every route (property)', () => {
  let opened: TestStore;
  let app: StewardApp;
  let keys: ApiKeyService;
  const ids: Record<string, { interactionId: string; approvalId: string }> = {};

  beforeAll(async () => {
    opened = await storeEngines[0]!.open();
    const store = opened.store;
    const registry = new Registry(store, { changes: discardChanges });
    const runtime = new FunctionRuntime(async (request) => `${request.systemPrompt} | ${request.prompt}`);
    const source = registryAgentSource(registry);
    const host = new AgentHost({ source, store, runtime, recheckMs: 0 });
    keys = await ApiKeyService.open(store, { audit: { append: async () => undefined } });
    app = createApp({
      directory: hostAgentDirectory({ host, source, registry }),
      store,
      runtime,
      metrics: createMetrics({ processMetrics: false }),
      registry,
      authenticator: new Authenticator({ keys }),
      keys,
      resources: [keys],
      rateLimiter: false,
    });
    const approvals = new ApprovalService(store);
    for (const tenantId of tenants) {
      await registry.tenants.create({ tenantId }, { actor: 'setup' });
      await registry.agents.put(
        { tenantId, agentId: 'desk' },
        { systemPrompt: marker(tenantId), trust: {}, audit: {} },
        { actor: 'setup' },
      );
      const reply = await host.use(tenantId, 'desk', (agent) =>
        agent.handle({ text: `hello from ${tenantId}` }),
      );
      const approval = await approvals.request({
        tenantId,
        agentId: 'desk',
        interactionId: reply.interactionId,
        toolName: 'Bash',
        input: { command: marker(tenantId) },
        level: 0,
        requiredLevel: 0.5,
        timeoutMs: 3_600_000,
      });
      ids[tenantId] = { interactionId: reply.interactionId, approvalId: approval.id };
    }
  });
  afterAll(async () => {
    await app?.lifecycle.closeResources().catch(() => undefined);
    await opened?.cleanup().catch(() => undefined);
  });

  /** Everything a request could read or change of a tenant, as one comparable value. */
  async function fingerprint(tenantId: string): Promise<string> {
    const db = opened.store.db;
    const rows = await Promise.all(
      [
        sql`select count(*) as n from interactions where tenant_id = ${tenantId}`,
        sql`select level, frozen from trust_states where tenant_id = ${tenantId}`,
        sql`select count(*) as n from trust_changes where tenant_id = ${tenantId}`,
        sql`select id, status from trust_approvals where tenant_id = ${tenantId} order by id`,
        sql`select count(*) as n from audit_records where tenant_id = ${tenantId}`,
        sql`select version, status from tenants where tenant_id = ${tenantId}`,
        sql`select agent_id, version, status from agents where tenant_id = ${tenantId} order by agent_id`,
        sql`select count(*) as n from cache_entries where tenant_id = ${tenantId}`,
        sql`select id, status from patterns where tenant_id = ${tenantId} order by id`,
      ].map((query) => query.execute(db).then((result) => result.rows)),
    );
    return JSON.stringify(rows);
  }

  /** A concrete request for a route pattern, with every id taken from `target`'s data. */
  function requestFor(route: string, target: string, pathTenant: string) {
    const [method, pattern] = route.split(' ') as [string, string];
    const targetIds = ids[target] ?? { interactionId: 'none', approvalId: 'none' };
    const path = pattern
      .replace(':tenantId', pathTenant)
      .replace(':agentId', 'desk')
      .replace(':patternId', 'p1')
      .replace(':templateId', 'tpl')
      .replace(':id', pattern.includes('/approvals/') ? targetIds.approvalId : targetIds.interactionId);
    const query = pattern.startsWith('/api/tenants/') ? '' : `?tenantId=${target}`;
    const bodies: Record<string, unknown> = {
      messages: { text: 'what do you know?' },
      feedback: { rating: 'negative' },
      trust: { action: 'freeze', reason: 'property test' },
      approvals: { decision: 'approve' },
      decrypt: { tenantId: target, seqs: [1] },
      keys: { name: 'k', role: 'admin', tenants: '*' },
      tenants: pattern === '/api/tenants' ? { tenantId: 'tenant-new' } : { status: 'suspended' },
      agents: { systemPrompt: 'hijacked' },
      templates: { systemPrompt: 'hijacked' },
    };
    const last = pattern
      .split('/')
      .filter((part) => !part.startsWith(':'))
      .at(-1)!;
    const body =
      method === 'POST' || method === 'PUT' || method === 'PATCH' ? (bodies[last] ?? {}) : undefined;
    return { method, path: `${path}${query}`, body };
  }

  const call = (token: string, request: { method: string; path: string; body: unknown }) =>
    app.request(request.path, {
      method: request.method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });

  it("never returns, counts or changes another tenant's data, and hides other tenants like missing ones", async () => {
    const routes = [...app.routeActions.keys()];
    expect(routes.length).toBeGreaterThan(40);
    const tokens = new Map<string, string>();
    const tokenFor = async (role: string, scope: readonly string[]) => {
      const id = `${role}/${scope.join(',')}`;
      if (!tokens.has(id)) {
        const created = await keys.create(
          { name: id, role: role as (typeof roles)[number], tenants: [...scope] },
          'property test',
        );
        tokens.set(id, created.token);
      }
      return tokens.get(id)!;
    };

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...roles),
        // The tenant aimed at, and the key's scope: one or both of the other two tenants.
        fc.constantFrom(...tenants),
        fc.subarray([0, 1], { minLength: 1 }),
        fc.constantFrom(...routes),
        async (role, other, picks, route) => {
          const rest = tenants.filter((tenantId) => tenantId !== other);
          const scope = picks.map((index) => rest[index]!);
          const who = `${role} of ${scope.join(',')}: ${route}`;
          const token = await tokenFor(role, scope);
          const before = await fingerprint(other);
          // The key aims at the other tenant: by the path, the query, the body and the record ids.
          const response = await call(token, requestFor(route, other, other));
          const text = await response.text();
          expect(await fingerprint(other), `${who} changed ${other}`).toBe(before);
          if (response.status < 300) {
            expect(text, who).not.toContain(other);
            expect(text, who).not.toContain(marker(other));
          }
          if (route.split(' ')[1]!.startsWith('/api/tenants/:tenantId')) {
            const missing = await call(token, requestFor(route, other, nowhere));
            expect(response.status, who).toBe(missing.status);
            expect(text.replaceAll(other, nowhere), who).toBe(await missing.text());
          }
        },
      ),
      { numRuns: 300, seed: 1204 },
    );
  }, 120_000);
});
