/**
 * The Optimize API: cost analytics from the rollup tables, each agent's budget for today, cache
 * invalidation, and the pattern tier's patterns (list, retire, forget).
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import type { ClaudeAgent } from '../agent/index.js';
import { dayParameterSchema } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { CostRollups } from '../optimize/index.js';
import type { StewardStore } from '../store/index.js';
import { actorOf } from './auth.js';
import { invalidRequestFromZod, unknownAgentError } from './http-errors.js';

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
  agents: Map<string, ClaudeAgent>;
  store: StewardStore;
}

export function registerOptimizeRoutes<Env extends object>(
  app: Hono<Env & { Variables: object }>,
  options: OptimizeRoutesOptions,
): void {
  const costs = new CostRollups(options.store);

  app.get('/api/costs', async (c) => {
    const raw = Object.fromEntries(new URL(c.req.url).searchParams.entries());
    const parsed = costsQuerySchema.safeParse(raw);
    if (!parsed.success) throw invalidRequestFromZod(parsed.error, raw, 'query');
    const query = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
    return c.json(await costs.report(query), 200);
  });

  app.delete('/api/agents/:agentId/cache', async (c) => {
    const agent = options.agents.get(c.req.param('agentId'));
    if (!agent) throw unknownAgentError(c.req.param('agentId'));
    const id = c.req.query('id');
    const removed = await agent.invalidateCache({ ...(id ? { id } : {}), actor: actorOf(c) });
    return c.json({ removed }, 200);
  });

  const patternsOf = async (agentId: string) => {
    const agent = options.agents.get(agentId);
    if (!agent) throw unknownAgentError(agentId);
    const patterns = await agent.patterns();
    if (!patterns) throw new StewardError('not-found', `agent "${agentId}" has no pattern tier`);
    return { agent, patterns };
  };

  app.get('/api/agents/:agentId/patterns', async (c) => {
    const { agent, patterns } = await patternsOf(c.req.param('agentId'));
    const status = c.req.query('status');
    const parsed = patternStatusSchema.optional().safeParse(status);
    if (!parsed.success) throw invalidRequestFromZod(parsed.error, status, 'query.status');
    const list = await patterns.list({
      tenantId: agent.tenantId,
      agentId: agent.agentId,
      ...(parsed.data ? { status: parsed.data } : {}),
    });
    return c.json({ patterns: list }, 200);
  });

  app.post('/api/agents/:agentId/patterns/:patternId/retire', async (c) => {
    const { agent, patterns } = await patternsOf(c.req.param('agentId'));
    await patterns.retire({
      tenantId: agent.tenantId,
      agentId: agent.agentId,
      id: c.req.param('patternId'),
      actor: actorOf(c),
    });
    return c.json({ retired: c.req.param('patternId') }, 200);
  });

  app.delete('/api/agents/:agentId/patterns', async (c) => {
    const { agent, patterns } = await patternsOf(c.req.param('agentId'));
    const removed = await patterns.invalidate({
      tenantId: agent.tenantId,
      agentId: agent.agentId,
      actor: actorOf(c),
    });
    return c.json({ removed }, 200);
  });

  app.get('/api/agents/:agentId/budget', async (c) => {
    const agent = options.agents.get(c.req.param('agentId'));
    if (!agent) throw unknownAgentError(c.req.param('agentId'));
    const budget = await agent.budget();
    if (!budget) throw new StewardError('not-found', `no budget is configured for agent "${agent.agentId}"`);
    return c.json(await budget.status({ tenantId: agent.tenantId, agentId: agent.agentId }), 200);
  });
}
