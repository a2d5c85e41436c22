/** The HTTP app of `steward serve`: liveness, readiness, metrics, the local web-chat channel and the JSON API. */
import { type Context, Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import { z } from 'zod';
import type { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import type { Registry } from '../fleet/index.js';
import { createRedactor } from '../privacy/index.js';
import type { AgentRuntime } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';
import { registerAuditDashboard } from './audit-dashboard.js';
import { registerAuditRoutes } from './audit-routes.js';
import { requireBearerToken } from './auth.js';
import { errorResponse, toHttpError, unknownAgentError } from './http-errors.js';
import { parseInteractionsQuery } from './interactions-query.js';
import { limitBody, readJsonBody, requireJsonBody } from './json-body.js';
import { type AppLifecycle, createLifecycle } from './lifecycle.js';
import type { StewardMetrics } from './metrics.js';
import { registerOptimizeRoutes } from './optimize-routes.js';
import { createReadinessCheck } from './readiness.js';
import { registerRegistryRoutes } from './registry-routes.js';
import { registerTrustRoutes } from './trust-routes.js';

export interface AppOptions {
  /** The agents to serve; `POST /api/agents/:agentId/messages` routes by `agentId`, so ids must be unique. */
  agents: ClaudeAgent[];
  /** The store the agents write to; `GET /api/interactions` reads it. */
  store: StewardStore;
  /** The shared model runtime: its queue feeds the `steward_runtime_*` gauges; closed on shutdown. */
  runtime?: AgentRuntime;
  metrics: StewardMetrics;
  /** Largest accepted request body in bytes; default 1 MiB. */
  bodyLimitBytes?: number;
  /** When set, `/api/*` requires `Authorization: Bearer <apiToken>`; `/healthz`, `/readyz` and `/metrics` stay open. */
  apiToken?: string;
  /** Where unexpected errors are logged; default stderr. */
  logError?: (line: string, error: unknown) => void;
  /** The fleet registry: serves `/api/tenants/…` and `/api/templates/…` when given. */
  registry?: Registry;
  /** Who makes a registry change, for its record; default the `X-Steward-Actor` header (required on writes). */
  actorOf?: (c: Context) => string;
}

/** The Hono app, plus the shutdown state `startServer` drives. */
export type StewardApp = Hono<AppEnv> & { readonly lifecycle: AppLifecycle };

/** Values routes pass along on the context. */
type AppEnv = { Variables: { clientSignal: AbortSignal } };

const messageBodySchema = z
  .object({
    text: z.string(),
    conversationId: z.string().optional(),
    senderId: z.string().optional(),
  })
  .strict();

const defaultBodyLimitBytes = 1024 * 1024;

/**
 * @example
 * const metrics = createMetrics();
 * const app = createApp({ agents: [agent], store, runtime, metrics });
 * const server = await startServer({ app, port: 8787 });
 */
export function createApp(options: AppOptions): StewardApp {
  const agents = new Map<string, ClaudeAgent>();
  for (const agent of options.agents) {
    if (agents.has(agent.agentId)) {
      throw new StewardError(
        'invalid-config',
        `two agents have the agentId "${agent.agentId}"; agentIds must be unique`,
      );
    }
    agents.set(agent.agentId, agent);
  }
  const { metrics, store } = options;
  for (const agent of options.agents) metrics.trackAgent(agent);
  if (options.runtime) metrics.trackRuntime(options.runtime);
  const lifecycle = createLifecycle({ agents: options.agents, runtime: options.runtime, store });
  // Server logs are masked like everything else that is kept: an error may quote a customer's message.
  const logRedactor = createRedactor();
  const logError =
    options.logError ??
    ((line, error) => console.error(logRedactor.text(line), logRedactor.text(describeForLog(error))));
  const bodyLimitBytes = options.bodyLimitBytes ?? defaultBodyLimitBytes;
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes < 1) {
    throw new StewardError(
      'invalid-config',
      `bodyLimitBytes must be a whole number >= 1, received ${bodyLimitBytes}`,
    );
  }

  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    await next();
    metrics.observeHttpRequest(c.req.method, routeLabel(c), c.res.status);
  });

  // Liveness: the process answers. It stays 200 while the store is down (restarting would not help).
  app.get('/healthz', (c) =>
    lifecycle.draining ? c.json({ status: 'shutting-down' }, 503) : c.json({ status: 'ok' }, 200),
  );

  const readiness = createReadinessCheck({
    store,
    draining: () => lifecycle.draining,
    onNotReady: (reason, error) => logError(`[steward] not ready: ${reason}`, error),
  });
  // Readiness: send this instance traffic. 503 while the store is unreachable or behind this version's schema.
  app.get('/readyz', async (c) => {
    const state = await readiness();
    return c.json(state, state.status === 'ready' ? 200 : 503);
  });

  app.get('/metrics', async (c) =>
    c.body(await metrics.render(), 200, { 'content-type': metrics.contentType }),
  );

  app.use('/api/*', async (_c, next) => {
    if (lifecycle.draining)
      throw new StewardError('shutting-down', 'the server is shutting down; retry on another instance');
    await next();
  });
  if (options.apiToken !== undefined) app.use('/api/*', requireBearerToken(options.apiToken));

  app.get('/api/agents', async (c) => {
    const described = await Promise.all([...agents.values()].map((agent) => agent.describe()));
    return c.json({ agents: described }, 200);
  });

  app.post(
    '/api/agents/:agentId/messages',
    async (c, next) => {
      const agentId = c.req.param('agentId');
      if (!agents.has(agentId)) throw unknownAgentError(agentId);
      // Taken before the body is read: the body limit replaces the request object.
      c.set('clientSignal', c.req.raw.signal);
      await next();
    },
    requireJsonBody(),
    limitBody(bodyLimitBytes),
    async (c) => {
      const agent = agents.get(c.req.param('agentId'))!;
      const body = await readJsonBody(c, messageBodySchema);
      // The run stops when the client hangs up or when shutdown gives up waiting for it.
      const run = lifecycle.trackRequest(c.get('clientSignal'));
      try {
        const reply = await agent.handle({ ...body, channel: 'web' }, { signal: run.signal });
        return c.json(reply, 200);
      } finally {
        run.dispose();
      }
    },
  );

  app.get('/api/interactions', async (c) => {
    const query = parseInteractionsQuery(new URL(c.req.url).searchParams);
    const page = await store.interactions.list(query);
    return c.json({ items: page.items, nextCursor: page.nextCursor }, 200);
  });

  registerTrustRoutes(app, { agents, store, bodyLimitBytes });
  registerOptimizeRoutes(app, { agents, store });
  registerAuditRoutes(app, { agents, store, bodyLimitBytes });
  registerAuditDashboard(app, { agents });
  if (options.registry) {
    registerRegistryRoutes(app, { registry: options.registry, bodyLimitBytes, actorOf: options.actorOf });
  }

  app.notFound((c) =>
    errorResponse(
      new StewardError('not-found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`),
    ),
  );
  app.onError((error, c) => errorResponse(toHttpError(error, `${c.req.method} ${routeLabel(c)}`, logError)));

  return Object.assign(app, { lifecycle });
}

/** An error's stack and the chain of its causes (a `store-unavailable` keeps the driver's error there). */
function describeForLog(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    const text = current instanceof Error ? (current.stack ?? current.message) : String(current);
    lines.push(depth === 0 ? text : `caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.join('\n');
}

/** The matched route pattern (bounded, safe as a metric label), or `unmatched`. */
function routeLabel(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c).filter((route) => route.method !== 'ALL');
  return routes.at(-1)?.path ?? 'unmatched';
}
