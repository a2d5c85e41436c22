/**
 * The Learn API, under the tenant's routes: an agent's capabilities and their reports, the approval
 * decisions (audited with the caller's key as actor), manual rollback, and the learning analytics.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { StewardError } from '../errors/index.js';
import type { LearningService } from '../learn/index.js';
import type { AgentDirectory } from './agent-directory.js';
import { actorOf } from './auth.js';
import { invalidRequestFromZod } from './http-errors.js';
import { agentScopeOf, type RouteTable } from './route-scope.js';

export interface LearnRoutesOptions {
  routes: RouteTable;
  directory: AgentDirectory;
}

const decisionBodySchema = z.object({ reason: z.string().max(1000).optional() }).strict();
const base = '/api/tenants/:tenantId/agents/:agentId';

/**
 * @example
 * registerLearnRoutes({ routes, directory }); // GET /api/tenants/acme/agents/front-desk/capabilities
 */
export function registerLearnRoutes(options: LearnRoutesOptions): void {
  const { routes, directory } = options;
  // The route checked role and tenant scope; the directory answers a missing agent with 404.
  const withLearning = <Result>(c: Context, work: (learning: LearningService) => Promise<Result>) => {
    const { tenantId, agentId } = agentScopeOf(c);
    return directory.use(tenantId, agentId, async (agent) => {
      const learning = await agent.learning();
      if (!learning) throw new StewardError('not-found', `agent "${agentId}" does not have learning enabled`);
      return work(learning);
    });
  };
  const reasonOf = async (c: Context): Promise<string | undefined> => {
    const text = await c.req.text();
    if (text.trim() === '') return undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new StewardError('invalid-request', 'the body must be JSON: { "reason": "…" } or empty');
    }
    const parsed = decisionBodySchema.safeParse(body);
    if (!parsed.success) throw invalidRequestFromZod(parsed.error, body, 'body');
    return parsed.data.reason;
  };

  routes.declare('GET', `${base}/learning`, 'learning:read', 'tenant-agent', async (c) =>
    c.json(await withLearning(c, (learning) => learning.analytics()), 200),
  );

  routes.declare('GET', `${base}/capabilities`, 'learning:read', 'tenant-agent', async (c) => {
    const capabilities = await withLearning(c, (learning) => learning.list());
    // The list is a summary; the report and the code are in GET …/capabilities/:id.
    return c.json(
      {
        capabilities: capabilities.map((capability) => ({
          id: capability.id,
          state: capability.state,
          size: capability.cluster.size,
          confidence: capability.cluster.confidence,
          coverage: capability.validationReport?.coverage ?? null,
          abstention: capability.validationReport?.abstention ?? null,
          rollout: capability.rollout,
          createdAt: capability.createdAt,
          updatedAt: capability.updatedAt,
        })),
      },
      200,
    );
  });

  routes.declare('GET', `${base}/capabilities/:id`, 'learning:read', 'tenant-agent', async (c) =>
    c.json(await withLearning(c, (learning) => learning.get(c.req.param('id')!)), 200),
  );

  routes.declare(
    'POST',
    `${base}/capabilities/:id/approve`,
    'capabilities:decide',
    'tenant-agent',
    async (c) =>
      c.json(await withLearning(c, (learning) => learning.approve(c.req.param('id')!, actorOf(c))), 200),
  );

  routes.declare(
    'POST',
    `${base}/capabilities/:id/reject`,
    'capabilities:decide',
    'tenant-agent',
    async (c) => {
      const reason = await reasonOf(c);
      return c.json(
        await withLearning(c, (learning) => learning.reject(c.req.param('id')!, actorOf(c), reason)),
        200,
      );
    },
  );

  routes.declare(
    'POST',
    `${base}/capabilities/:id/rollback`,
    'capabilities:decide',
    'tenant-agent',
    async (c) => {
      const reason = await reasonOf(c);
      return c.json(
        await withLearning(c, (learning) => learning.rollback(c.req.param('id')!, actorOf(c), reason)),
        200,
      );
    },
  );
}
