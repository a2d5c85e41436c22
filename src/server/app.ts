/** The HTTP app of `steward serve`: liveness, readiness, metrics, the local web-chat channel and the JSON API. */
import { type Context, Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import { z } from 'zod';
import type { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import { type ApiKeyService, Authenticator, type Registry } from '../fleet/index.js';
import { createRedactor } from '../privacy/index.js';
import type { AgentRuntime } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';
import { registerAuditDashboard } from './audit-dashboard.js';
import { registerAuditRoutes } from './audit-routes.js';
import { type AuthVariables, authenticate, actorOf as keyActorOf } from './auth.js';
import { errorResponse, toHttpError } from './http-errors.js';
import { parseInteractionsQuery } from './interactions-query.js';
import { limitBody, readJsonBody, requireJsonBody } from './json-body.js';
import { registerKeyRoutes } from './keys-routes.js';
import { registerLearnRoutes } from './learn-routes.js';
import { type AppLifecycle, createLifecycle } from './lifecycle.js';
import type { StewardMetrics } from './metrics.js';
import { registerOptimizeRoutes } from './optimize-routes.js';
import { createReadinessCheck } from './readiness.js';
import { registerRegistryRoutes } from './registry-routes.js';
import { agentNotFound, guardRoutes } from './route-guard.js';
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
  /**
   * Who may call `/api/*` (`/healthz`, `/readyz` and `/metrics` stay open). Default: only `apiToken` as an admin
   * token when it is set, else every request as the implicit local admin (an embedded, local app).
   */
  authenticator?: Authenticator;
  /** Shorthand for an authenticator that accepts this admin token and nothing else. */
  apiToken?: string;
  /** The API key service: serves `/api/keys` (admin only). */
  keys?: ApiKeyService;
  /** Closed on shutdown after the agents and before the store (the key service, the platform audit). */
  resources?: ReadonlyArray<{ close(): Promise<void> }>;
  /** Where unexpected errors are logged; default stderr. */
  logError?: (line: string, error: unknown) => void;
  /** The fleet registry: serves `/api/tenants/…` and `/api/templates/…` when given. */
  registry?: Registry;
  /** Who makes a registry change, for its record; default the caller's key (see `actorOf` in auth.ts). */
  actorOf?: (c: Context) => string;
}

/** The Hono app, plus the shutdown state `startServer` drives. */
export type StewardApp = Hono<AppEnv> & { readonly lifecycle: AppLifecycle };

/** Values routes pass along on the context. */
type AppEnv = { Variables: { clientSignal: AbortSignal } & AuthVariables };

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
  const lifecycle = createLifecycle({
    agents: options.agents,
    runtime: options.runtime,
    store,
    resources: options.resources ?? [],
  });
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
  app.use(
    '/api/*',
    authenticate(options.authenticator ?? defaultAuthenticator(options.apiToken, options.keys)),
  );
  // Interim: one guard for every route until the routes are tenant-scoped and check for themselves.
  app.use('/api/*', guardRoutes({ tenantOfAgent: (agentId) => agents.get(agentId)?.tenantId }));
  if (options.keys) registerKeyRoutes(app, { keys: options.keys });

  app.get('/api/agents', async (c) => {
    const described = await Promise.all([...agents.values()].map((agent) => agent.describe()));
    return c.json({ agents: described }, 200);
  });

  app.post(
    '/api/agents/:agentId/messages',
    async (c, next) => {
      const agentId = c.req.param('agentId');
      // The same answer as for an agent of a tenant outside the caller's scope: no agent list.
      if (!agents.has(agentId)) throw agentNotFound(agentId);
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
  registerLearnRoutes(app, { agents });
  if (options.registry) {
    registerRegistryRoutes(app, {
      registry: options.registry,
      bodyLimitBytes,
      actorOf: options.actorOf ?? keyActorOf,
    });
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

/** `apiToken` as the admin token, plus `keys`; with neither, the implicit local admin (open, as before keys). */
function defaultAuthenticator(apiToken: string | undefined, keys: ApiKeyService | undefined): Authenticator {
  if (apiToken?.length === 0) throw new StewardError('invalid-config', 'the API token must not be empty');
  return new Authenticator({
    ...(keys ? { keys } : {}),
    ...(apiToken === undefined
      ? { localAdminWhenKeyless: true }
      : { adminTokens: [{ variable: 'STEWARD_API_TOKEN' as const, token: apiToken }] }),
  });
}

/** The matched route pattern (bounded, safe as a metric label), or `unmatched`. */
function routeLabel(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c).filter((route) => route.method !== 'ALL');
  return routes.at(-1)?.path ?? 'unmatched';
}
