/** The Trust API: levels, history, operator actions, feedback and approvals. */
import { z } from 'zod';
import type { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import { type ConversationTokens, customerOfFeedback, inScope } from '../fleet/index.js';
import type { StewardStore } from '../store/index.js';
import { ApprovalService, type Trust } from '../trust/index.js';
import type { AgentDirectory } from './agent-directory.js';
import { actorOf, callerOf } from './auth.js';
import { echoedId, invalidRequestFromZod } from './http-errors.js';
import { limitBody, readJsonBody, requireJsonBody } from './json-body.js';
import { agentScopeOf, type RouteTable, scopeOf } from './route-scope.js';

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
  routes: RouteTable;
  directory: AgentDirectory;
  store: StewardStore;
  bodyLimitBytes: number;
  /** Verifies a chat customer's conversation token (fleet/conversations). */
  conversationTokens: () => Promise<ConversationTokens>;
}

/**
 * Each route under `/api/tenants/:tenantId/…` and its deprecated alias: trust, trust/history (per agent),
 * interactions/:id/feedback, approvals and approvals/:id (per tenant, the tenant narrowing every query).
 */
export function registerTrustRoutes(options: TrustRoutesOptions): void {
  const { routes, directory, store, bodyLimitBytes, conversationTokens } = options;
  const json = [requireJsonBody(), limitBody(bodyLimitBytes)] as const;
  // Reads approvals without an agent (no events); decisions go through the agent's own Trust.
  const approvalReader = new ApprovalService(store);

  const withTrust = <Result>(
    scope: { tenantId: string; agentId: string },
    work: (agent: ClaudeAgent, trust: Trust) => Promise<Result>,
  ): Promise<Result> =>
    directory.use(scope.tenantId, scope.agentId, async (agent) => {
      const trust = await agent.trust();
      if (!trust) throw new StewardError('not-found', `trust is not configured for agent "${scope.agentId}"`);
      return work(agent, trust);
    });

  routes.agentRoute('GET', '/trust', 'trust:read', async (c) => {
    const scope = agentScopeOf(c);
    return withTrust(scope, async (_agent, trust) => {
      const snapshot = await trust.service.snapshot(scope);
      return c.json({ ...snapshot, allowedTools: trust.table.allowedPatterns(snapshot.level) }, 200);
    });
  });

  routes.agentRoute('GET', '/trust/history', 'trust:read', async (c) => {
    const scope = agentScopeOf(c);
    const query = parseQuery(historyQuerySchema, new URL(c.req.url).searchParams);
    return withTrust(scope, async (_agent, trust) => {
      const entries = await trust.service.history(scope, query);
      return c.json({ entries, nextBeforeId: entries.length > 0 ? entries.at(-1)!.id : null }, 200);
    });
  });

  routes.agentRoute('POST', '/trust', 'trust:act', ...json, async (c) => {
    const scope = agentScopeOf(c);
    const body = await readJsonBody(c, operatorActionSchema);
    const action =
      body.action === 'set'
        ? { type: 'set' as const, level: body.level, unfreeze: body.unfreeze === true }
        : { type: body.action };
    // The key acts; `actor` in the body is only an "on behalf of" note.
    const actor = actorOf(c, body.actor);
    return withTrust(scope, async (_agent, trust) =>
      c.json(await trust.service.operatorAction(scope, action, actor, body.reason), 200),
    );
  });

  routes.tenantRoute('POST', '/interactions/:id/feedback', 'feedback:give', ...json, async (c) => {
    const body = await readJsonBody(c, feedbackSchema);
    const id = c.req.param('id')!;
    const { tenantId } = scopeOf(c);
    const caller = callerOf(c);
    const record = await store.interactions.findById(id);
    const missing = () =>
      new StewardError('not-found', `there is no interaction "${echoedId(id)}" of an agent on this server`);
    // Another tenant's interaction reads exactly like one that does not exist.
    if (
      !record ||
      (tenantId !== undefined && record.tenantId !== tenantId) ||
      !inScope(caller, record.tenantId)
    ) {
      throw missing();
    }
    // Another customer's interaction, a token of another conversation: the same 404 as a missing one.
    try {
      const customerKey = customerOfFeedback(
        await conversationTokens(),
        { role: caller.role, senderId: body.senderId, conversationToken: body.conversationToken },
        { tenantId: record.tenantId, agentId: record.agentId, conversationId: record.conversationId },
      );
      const by = customerKey === undefined ? { operator: actorOf(c) } : { customerKey };
      await directory.use(record.tenantId, record.agentId, (agent) =>
        agent.feedback(id, body.rating, body.note, by),
      );
    } catch (error) {
      if (StewardError.isInstance(error) && error.code === 'not-found') throw missing();
      throw error;
    }
    return c.json({ interactionId: id, rating: body.rating }, 200);
  });

  routes.tenantRoute('GET', '/approvals', 'approvals:read', async (c) => {
    const query = parseQuery(approvalsQuerySchema, new URL(c.req.url).searchParams);
    const { tenantId } = scopeOf(c);
    const filter = { ...query, ...(tenantId === undefined ? {} : { tenantId }) };
    return c.json({ items: await approvalReader.list(filter) }, 200);
  });

  routes.tenantRoute('POST', '/approvals/:id', 'approvals:decide', ...json, async (c) => {
    const body = await readJsonBody(c, decisionSchema);
    const id = c.req.param('id')!;
    const { tenantId } = scopeOf(c);
    // Only a key for every tenant names no tenant (the deprecated route): the id alone finds it.
    const approval =
      tenantId === undefined
        ? await approvalReader.getInAnyTenant(id)
        : await approvalReader.get(tenantId, id);
    if (!approval) throw new StewardError('not-found', `there is no approval "${echoedId(id)}"`);
    const actor = actorOf(c, body.actor);
    const decided = await directory
      .use(approval.tenantId, approval.agentId, async (agent) => {
        // The agent's own Trust, so the decision's event goes to its bus (and its audit log).
        const trust = await agent.trust();
        return trust?.approvals.decide(approval.tenantId, id, body.decision, actor, body.note);
      })
      .catch((error: unknown) => {
        if (StewardError.isInstance(error) && error.code === 'not-found') return undefined;
        throw error;
      });
    if (!decided) throw new StewardError('not-found', `there is no approval "${echoedId(id)}"`);
    return c.json(decided, 200);
  });
}

function parseQuery<Schema extends z.ZodType>(schema: Schema, params: URLSearchParams): z.output<Schema> {
  const raw = Object.fromEntries(params.entries());
  const result = schema.safeParse(raw);
  if (!result.success) throw invalidRequestFromZod(result.error, raw, 'query');
  return result.data;
}
