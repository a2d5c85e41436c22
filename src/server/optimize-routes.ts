/**
 * The Optimize API: cost analytics from the rollup tables, each agent's budget for today, cache
 * invalidation, and the pattern tier's patterns (list, retire, forget).
 */
import { z } from 'zod';
import { dayParameterSchema } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { CostRollups, type PatternTier } from '../optimize/index.js';
import type { StewardStore } from '../store/index.js';
import type { AgentDirectory } from './agent-directory.js';
import { actorOf } from './auth.js';
import { invalidRequestFromZod } from './http-errors.js';
import { agentScopeOf, type RouteTable, scopeOf } from './route-scope.js';

const costsQuerySchema = z
  .object({
    tenantId: z.string().min(1).optional(),
    agentId: z.string().min(1).optional(),
    from: dayParameterSchema.optional(),
    to: dayParameterSchema.optional(),
  })
  .strict();

const patternStatusSchema = z.enum(['candidate', 'active', 'retired']);

export interface OptimizeRoutesOptions {
  routes: RouteTable;
  directory: AgentDirectory;
  store: StewardStore;
}

/**
 * Each route under `/api/tenants/:tenantId/…` and its deprecated alias: costs (per tenant), budget,
 * cache, patterns (per agent).
 */
export function registerOptimizeRoutes(options: OptimizeRoutesOptions): void {
  const { routes, directory } = options;
  const costs = new CostRollups(options.store);

  routes.tenantRoute('GET', '/costs', 'costs:read', async (c) => {
    const raw = Object.fromEntries(new URL(c.req.url).searchParams.entries());
    const parsed = costsQuerySchema.safeParse(raw);
    if (!parsed.success) throw invalidRequestFromZod(parsed.error, raw, 'query');
    const { tenantId } = scopeOf(c);
    const query = Object.fromEntries(
      Object.entries({ ...parsed.data, ...(tenantId === undefined ? {} : { tenantId }) }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    return c.json(await costs.report(query), 200);
  });

  routes.agentRoute('DELETE', '/cache', 'cache:act', async (c) => {
    const scope = agentScopeOf(c);
    const id = c.req.query('id');
    const actor = actorOf(c);
    const removed = await directory.use(scope.tenantId, scope.agentId, (agent) =>
      agent.invalidateCache({ ...(id ? { id } : {}), actor }),
    );
    return c.json({ removed }, 200);
  });

  const withPatterns = <Result>(
    scope: { tenantId: string; agentId: string },
    work: (patterns: PatternTier) => Promise<Result>,
  ): Promise<Result> =>
    directory.use(scope.tenantId, scope.agentId, async (agent) => {
      const patterns = await agent.patterns();
      if (!patterns) throw new StewardError('not-found', `agent "${scope.agentId}" has no pattern tier`);
      return work(patterns);
    });

  routes.agentRoute('GET', '/patterns', 'patterns:read', async (c) => {
    const scope = agentScopeOf(c);
    const status = c.req.query('status');
    const parsed = patternStatusSchema.optional().safeParse(status);
    if (!parsed.success) throw invalidRequestFromZod(parsed.error, status, 'query.status');
    const list = await withPatterns(scope, (patterns) =>
      patterns.list({ ...scope, ...(parsed.data ? { status: parsed.data } : {}) }),
    );
    return c.json({ patterns: list }, 200);
  });

  routes.agentRoute('POST', '/patterns/:patternId/retire', 'patterns:act', async (c) => {
    const scope = agentScopeOf(c);
    const id = c.req.param('patternId')!;
    const actor = actorOf(c);
    await withPatterns(scope, (patterns) => patterns.retire({ ...scope, id, actor }));
    return c.json({ retired: id }, 200);
  });

  routes.agentRoute('DELETE', '/patterns', 'patterns:act', async (c) => {
    const scope = agentScopeOf(c);
    const actor = actorOf(c);
    const removed = await withPatterns(scope, (patterns) => patterns.invalidate({ ...scope, actor }));
    return c.json({ removed }, 200);
  });

  routes.agentRoute('GET', '/budget', 'budget:read', async (c) => {
    const scope = agentScopeOf(c);
    const status = await directory.use(scope.tenantId, scope.agentId, async (agent) => {
      const budget = await agent.budget();
      if (!budget)
        throw new StewardError('not-found', `no budget is configured for agent "${scope.agentId}"`);
      return budget.status(scope);
    });
    return c.json(status, 200);
  });
}
