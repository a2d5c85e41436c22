/** The Trust API: levels, history, operator actions, feedback and approvals. */
import type { Hono } from 'hono';
import { z } from 'zod';
import type { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import { type ConversationTokens, customerOfFeedback, inScope } from '../fleet/index.js';
import type { StewardStore } from '../store/index.js';
import type { Trust } from '../trust/index.js';
import { actorOf, callerOf } from './auth.js';
import { echoedId, invalidRequestFromZod, unknownAgentError } from './http-errors.js';
import { limitBody, readJsonBody, requireJsonBody } from './json-body.js';

const operatorActionSchema = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('set'),
      level: z.number().min(0).max(1),
      /** Unfreeze a frozen agent in the same call; without it, setting a frozen agent answers 409. */
      unfreeze: z.boolean().optional(),
      actor: z.string().min(1).optional(),
      reason: z.string().min(1),
    })
    .strict(),
  z
    .object({ action: z.literal('freeze'), actor: z.string().min(1).optional(), reason: z.string().min(1) })
    .strict(),
  z
    .object({ action: z.literal('unfreeze'), actor: z.string().min(1).optional(), reason: z.string().min(1) })
    .strict(),
  z
    .object({ action: z.literal('reset'), actor: z.string().min(1).optional(), reason: z.string().min(1) })
    .strict(),
]);

const feedbackSchema = z
  .object({
    rating: z.enum(['positive', 'negative']),
    note: z.string().max(2000).optional(),
    /** A chat key names the customer who rates: the sender id, or the conversation's token. */
    senderId: z.string().max(256).optional(),
    conversationToken: z.string().max(512).optional(),
  })
  .strict();

const decisionSchema = z
  .object({
    decision: z.enum(['approve', 'deny']),
    actor: z.string().min(1).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();

const historyQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  beforeId: z.coerce.number().int().min(1).optional(),
});

const approvalsQuerySchema = z.object({
  tenantId: z.string().min(1).optional(),
  agentId: z.string().min(1).optional(),
  status: z.enum(['pending', 'approved', 'denied', 'expired']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export interface TrustRoutesOptions {
  agents: Map<string, ClaudeAgent>;
  store: StewardStore;
  bodyLimitBytes: number;
  /** Verifies a chat customer's conversation token (fleet/conversations). */
  conversationTokens: () => Promise<ConversationTokens>;
}

export function registerTrustRoutes<Env extends object>(
  app: Hono<Env & { Variables: object }>,
  options: TrustRoutesOptions,
): void {
  const { agents, store, bodyLimitBytes, conversationTokens } = options;
  const json = [requireJsonBody(), limitBody(bodyLimitBytes)] as const;

  const trustOf = async (agentId: string): Promise<{ agent: ClaudeAgent; trust: Trust }> => {
    const agent = agents.get(agentId);
    if (!agent) throw unknownAgentError(agentId);
    const trust = await agent.trust();
    if (!trust) throw new StewardError('not-found', `trust is not configured for agent "${agentId}"`);
    return { agent, trust };
  };
  const scopeOf = (agent: ClaudeAgent) => ({ tenantId: agent.tenantId, agentId: agent.agentId });

  app.get('/api/agents/:agentId/trust', async (c) => {
    const { agent, trust } = await trustOf(c.req.param('agentId'));
    const snapshot = await trust.service.snapshot(scopeOf(agent));
    return c.json({ ...snapshot, allowedTools: trust.table.allowedPatterns(snapshot.level) }, 200);
  });

  app.get('/api/agents/:agentId/trust/history', async (c) => {
    const { agent, trust } = await trustOf(c.req.param('agentId'));
    const query = parseQuery(historyQuerySchema, new URL(c.req.url).searchParams);
    const entries = await trust.service.history(scopeOf(agent), query);
    return c.json({ entries, nextBeforeId: entries.length > 0 ? entries.at(-1)!.id : null }, 200);
  });

  app.post('/api/agents/:agentId/trust', ...json, async (c) => {
    const { agent, trust } = await trustOf(c.req.param('agentId'));
    const body = await readJsonBody(c, operatorActionSchema);
    const action =
      body.action === 'set'
        ? { type: 'set' as const, level: body.level, unfreeze: body.unfreeze === true }
        : { type: body.action };
    // The key acts; `actor` in the body is only an "on behalf of" note.
    const snapshot = await trust.service.operatorAction(
      scopeOf(agent),
      action,
      actorOf(c, body.actor),
      body.reason,
    );
    return c.json(snapshot, 200);
  });

  app.post('/api/interactions/:id/feedback', ...json, async (c) => {
    const body = await readJsonBody(c, feedbackSchema);
    const id = c.req.param('id');
    const notFound = () =>
      new StewardError('not-found', `there is no interaction "${echoedId(id)}" of an agent on this server`);
    const record = await store.interactions.findById(id);
    const agent = record && agents.get(record.agentId);
    // A tenant outside the key's scope (the interim guard checked only the `?tenantId` it was given).
    if (!record || !agent || agent.tenantId !== record.tenantId || !inScope(callerOf(c), record.tenantId)) {
      throw notFound();
    }
    // Another customer's interaction, a token of another conversation: the same 404 as a missing one.
    try {
      const customerKey = customerOfFeedback(
        await conversationTokens(),
        { role: callerOf(c).role, senderId: body.senderId, conversationToken: body.conversationToken },
        { tenantId: record.tenantId, agentId: record.agentId, conversationId: record.conversationId },
      );
      const by = customerKey === undefined ? { operator: actorOf(c) } : { customerKey };
      await agent.feedback(id, body.rating, body.note, by);
    } catch (error) {
      if (StewardError.isInstance(error) && error.code === 'not-found') throw notFound();
      throw error;
    }
    return c.json({ interactionId: id, rating: body.rating }, 200);
  });

  app.get('/api/approvals', async (c) => {
    const query = parseQuery(approvalsQuerySchema, new URL(c.req.url).searchParams);
    const trust = await firstTrust(agents);
    return c.json({ items: trust ? await trust.approvals.list(query) : [] }, 200);
  });

  app.post('/api/approvals/:id', ...json, async (c) => {
    const body = await readJsonBody(c, decisionSchema);
    const id = c.req.param('id');
    const found = await findApproval(agents, id);
    if (!found) throw new StewardError('not-found', `there is no approval "${echoedId(id)}"`);
    const decided = await found.trust.approvals.decide(
      found.tenantId,
      id,
      body.decision,
      actorOf(c, body.actor),
      body.note,
    );
    return c.json(decided, 200);
  });
}

async function firstTrust(agents: Map<string, ClaudeAgent>): Promise<Trust | undefined> {
  for (const agent of agents.values()) {
    const trust = await agent.trust();
    if (trust) return trust;
  }
  return undefined;
}

/** The approval and the Trust of the agent it belongs to (so its events go to that agent's bus). */
async function findApproval(
  agents: Map<string, ClaudeAgent>,
  id: string,
): Promise<{ trust: Trust; tenantId: string } | undefined> {
  for (const agent of agents.values()) {
    const trust = await agent.trust();
    const approval = await trust?.approvals.get(agent.tenantId, id);
    if (trust && approval && approval.agentId === agent.agentId) return { trust, tenantId: agent.tenantId };
  }
  return undefined;
}

function parseQuery<Schema extends z.ZodType>(schema: Schema, params: URLSearchParams): z.output<Schema> {
  const raw = Object.fromEntries(params.entries());
  const result = schema.safeParse(raw);
  if (!result.success) throw invalidRequestFromZod(result.error, raw, 'query');
  return result.data;
}
