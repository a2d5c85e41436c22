/**
 * The Learn API, under the tenant's routes: an agent's capabilities and their reports, the approval
 * decisions (audited with the caller's key as actor), manual rollback, and the learning analytics.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import type { LearningService } from '../learn/index.js';
import { actorOf } from './auth.js';
import { invalidRequestFromZod, unknownAgentError } from './http-errors.js';

export interface LearnRoutesOptions {
  agents: Map<string, ClaudeAgent>;
}

const decisionBodySchema = z.object({ reason: z.string().max(1000).optional() }).strict();
const base = '/api/tenants/:tenantId/agents/:agentId';

export function registerLearnRoutes<Env extends object>(
  app: Hono<Env & { Variables: object }>,
  options: LearnRoutesOptions,
): void {
  const learningOf = async (c: Context): Promise<LearningService> => {
    const agentId = c.req.param('agentId')!;
    const agent = options.agents.get(agentId);
    // Another tenant's agent answers exactly like a missing one.
    if (!agent || agent.tenantId !== c.req.param('tenantId')) throw unknownAgentError(agentId);
    const learning = await agent.learning();
    if (!learning) throw new StewardError('not-found', `agent "${agentId}" does not have learning enabled`);
    return learning;
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

  app.get(`${base}/learning`, async (c) => c.json(await (await learningOf(c)).analytics(), 200));

  app.get(`${base}/capabilities`, async (c) => {
    const capabilities = await (await learningOf(c)).list();
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

  app.get(`${base}/capabilities/:id`, async (c) => {
    const capability = await (await learningOf(c)).get(c.req.param('id')!);
    return c.json(capability, 200);
  });

  app.post(`${base}/capabilities/:id/approve`, async (c) => {
    const learning = await learningOf(c);
    return c.json(await learning.approve(c.req.param('id')!, actorOf(c)), 200);
  });

  app.post(`${base}/capabilities/:id/reject`, async (c) => {
    const learning = await learningOf(c);
    return c.json(await learning.reject(c.req.param('id')!, actorOf(c), await reasonOf(c)), 200);
  });

  app.post(`${base}/capabilities/:id/rollback`, async (c) => {
    const learning = await learningOf(c);
    return c.json(await learning.rollback(c.req.param('id')!, actorOf(c), await reasonOf(c)), 200);
  });
}
