/** The HTTP app of `steward serve`: liveness, readiness, metrics, the local web-chat channel and the JSON API. */
import { type Context, Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import { z } from 'zod';
import type { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import {
  type Action,
  type ApiKeyService,
  Authenticator,
  ConversationTokens,
  customerOfMessage,
  epochWatch,
  type PermissionPolicy,
  type Registry,
  TenantRateLimiter,
  tenantSuspended,
  visibleTenants,
} from '../fleet/index.js';
import { createRedactor } from '../privacy/index.js';
import type { AgentRuntime } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';
import { type AgentDirectory, fixedAgentDirectory } from './agent-directory.js';
import { registerAuditDashboard } from './audit-dashboard.js';
import { registerAuditRoutes } from './audit-routes.js';
import { type AuthVariables, authenticate, callerOf, actorOf as keyActorOf } from './auth.js';
import { type ChannelRoutesOptions, registerChannelRoutes } from './channel-routes.js';
import { registerContactRoutes } from './contact-routes.js';
import { errorResponse, toHttpError } from './http-errors.js';
import { parseInteractionsQuery } from './interactions-query.js';
import { limitBody, readJsonBody, requireJsonBody } from './json-body.js';
import { keyRoutes, registerKeyRoutes } from './keys-routes.js';
import { registerLearnRoutes } from './learn-routes.js';
import {
  type AppLifecycle,
  type ClientConnection,
  createLifecycle,
  type NodeResponseEvents,
} from './lifecycle.js';
import type { StewardMetrics } from './metrics.js';
import { registerOptimizeRoutes } from './optimize-routes.js';
import { createReadinessCheck } from './readiness.js';
import { registerRegistryRoutes } from './registry-routes.js';
import {
  agentScopeOf,
  createRouteTable,
  type EpochMarkVariables,
  type ScopeVariables,
  scopeOf,
} from './route-scope.js';
import { registerTrustRoutes } from './trust-routes.js';
import type { NodeWebhook } from './webhook-listener.js';

export interface AppOptions {
  /**
   * A fixed list of agents to serve (a library user's app); ids must be unique, since the deprecated
   * `/api/agents/:agentId/…` routes name an agent by id alone. Give this or `directory`.
   */
  agents?: ClaudeAgent[];
  /**
   * Where agents come from instead of `agents`: e.g. `hostAgentDirectory` (agents built from the registry
   * on their first message, in an LRU). Closed on shutdown, which waits for their in-flight messages.
   */
  directory?: AgentDirectory;
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
  /**
   * The per-tenant message limit of the message routes (429 `rate-limited` with `Retry-After`). Default: a
   * limiter of {@link defaultMessagesPerMinute} per tenant; a tenant's `limits.messagesPerMinute` in the
   * registry overrides it. `false` turns it off.
   */
  rateLimiter?: TenantRateLimiter | false;
  /** Changes the role table (e.g. `operatorsMayDecryptAudit`). */
  permissionPolicy?: PermissionPolicy;
  /** Channel webhooks (`/channels/slack/events`, the Slack install): the channels core and its adapters. */
  channels?: ChannelRoutesOptions;
}

/** Messages per minute each tenant may send when neither the app nor the tenant sets a limit. */
export const defaultMessagesPerMinute = 600;

/** The Hono app, plus the shutdown state `startServer` drives and the action each `/api` route takes. */
export type StewardApp = Hono<AppEnv> & {
  readonly lifecycle: AppLifecycle;
  /** `METHOD /path` → the action the route requires, for every `/api` route. */
  readonly routeActions: ReadonlyMap<string, Action>;
  /** Channel webhooks (path → handler) that `startServer` serves from Node's request, before Hono. */
  readonly webhooks: ReadonlyMap<string, NodeWebhook>;
};

/** Values routes pass along on the context. */
type AppEnv = {
  Variables: { client: ClientConnection } & AuthVariables & ScopeVariables & EpochMarkVariables;
};

const messageBodySchema = z
  .object({
    text: z.string(),
    conversationId: z.string().optional(),
    senderId: z.string().optional(),
    /** The token of the conversation's first reply (web chat without a sender id). */
    conversationToken: z.string().max(512).optional(),
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
  const directory = directoryOf(options);
  const { metrics, store, registry } = options;
  if (options.agents) for (const agent of options.agents) metrics.trackAgent(agent);
  if (options.runtime) metrics.trackRuntime(options.runtime);
  const lifecycle = createLifecycle({
    agents: [],
    runtime: options.runtime,
    store,
    // The agents first: closing them waits for their in-flight messages.
    resources: [directory, ...(options.resources ?? [])],
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
  const rateLimiter =
    options.rateLimiter === false
      ? undefined
      : (options.rateLimiter ?? new TenantRateLimiter({ perMinute: defaultMessagesPerMinute }));

  // Conversation tokens are signed with the store's key: read once, retried after a failure.
  let tokens: Promise<ConversationTokens> | undefined;
  const conversationTokens = (): Promise<ConversationTokens> => {
    tokens ??= ConversationTokens.forStore(store).catch((error: unknown) => {
      tokens = undefined;
      throw error;
    });
    return tokens;
  };

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

  // Where the registry's change epoch stood when the request arrived: its tenant is read as of then or later.
  const epochs = registry ? epochWatch(registry.store) : undefined;
  app.use('/api/*', async (c, next) => {
    if (lifecycle.draining)
      throw new StewardError('shutting-down', 'the server is shutting down; retry on another instance');
    if (epochs) c.set('epochMark', epochs.mark());
    await next();
  });
  app.use(
    '/api/*',
    authenticate(options.authenticator ?? defaultAuthenticator(options.apiToken, options.keys)),
  );
  // Every route declares its action and checks it itself (requireAction); an undeclared one answers 500.
  const routes = createRouteTable(app, {
    directory: registry ? withRegistryTenants(directory, registry) : directory,
    ...(options.permissionPolicy ? { policy: options.permissionPolicy } : {}),
  });
  app.use('/api/*', routes.failClosed);
  if (options.keys) {
    registerKeyRoutes(app, { keys: options.keys });
    // The keys API checks keys:manage in its own handlers.
    for (const route of keyRoutes) routes.selfChecked(route.method, route.path, 'keys:manage');
  }

  routes.declare('GET', '/api/agents', 'agents:read', 'none', async (c) => {
    const visible = visibleTenants(callerOf(c));
    const shown = directory.live().filter((agent) => visible === '*' || visible.includes(agent.tenantId));
    return c.json({ agents: await Promise.all(shown.map((agent) => agent.describe())) }, 200);
  });

  routes.agentRoute(
    'POST',
    '/messages',
    'messages:send',
    async (c, next) => {
      const { tenantId } = agentScopeOf(c);
      const tenant = scopeOf(c).tenant ?? (await routes.directory.tenant(tenantId, c.get('epochMark')));
      // Refused before anything is read or handled: nothing is recorded, and resuming lets messages in again.
      if (tenant?.status === 'suspended') throw tenantSuspended(tenantId);
      const decision = rateLimiter?.take(tenantId, tenant?.messagesPerMinute);
      if (decision && !decision.allowed) {
        return errorResponse(
          new StewardError(
            'rate-limited',
            `tenant "${tenantId}" sent more messages than its limit allows; retry in ${decision.retryAfterSeconds} s`,
            { details: { tenantId, retryAfterSeconds: decision.retryAfterSeconds } },
          ),
          { 'retry-after': String(decision.retryAfterSeconds) },
        );
      }
      // Node's response when Node serves the app (one AbortController per request, not two), else the
      // request's signal, taken before the body is read: the body limit replaces the request object.
      c.set('client', nodeResponseOf(c) ?? c.req.raw.signal);
      await next();
    },
    requireJsonBody(),
    limitBody(bodyLimitBytes),
    async (c) => {
      const { tenantId, agentId } = agentScopeOf(c);
      const { conversationToken, ...message } = await readJsonBody(c, messageBodySchema);
      // The conversation belongs to the customer the key vouches for (sender id) or the token names.
      const tokens = await conversationTokens();
      const customer = customerOfMessage(tokens, {
        role: callerOf(c).role,
        tenantId,
        agentId,
        conversationId: message.conversationId,
        senderId: message.senderId,
        conversationToken,
      });
      const customerKey = customer.kind === 'customer' ? { customerKey: customer.customerKey } : {};
      // The run stops when the client hangs up or when shutdown gives up waiting for it.
      const run = lifecycle.trackRequest(c.get('client'));
      try {
        const reply = await directory.use(tenantId, agentId, (agent) =>
          agent.handle({ ...message, ...customerKey, channel: 'web' }, { signal: run.signal }),
        );
        if (customer.kind === 'customer' && customer.issueToken) {
          const scope = { tenantId, agentId, conversationId: reply.conversationId };
          return c.json({ ...reply, conversationToken: tokens.issue(scope, customer.customerKey) }, 200);
        }
        return c.json(reply, 200);
      } finally {
        run.dispose();
      }
    },
  );

  routes.tenantRoute('GET', '/interactions', 'interactions:read', async (c) => {
    const query = parseInteractionsQuery(new URL(c.req.url).searchParams);
    const { tenantId } = scopeOf(c);
    const page = await store.interactions.list({ ...query, ...(tenantId === undefined ? {} : { tenantId }) });
    return c.json({ items: page.items, nextCursor: page.nextCursor }, 200);
  });

  registerTrustRoutes({ routes, directory, store, bodyLimitBytes, conversationTokens });
  registerOptimizeRoutes({ routes, directory, store });
  registerAuditRoutes({ routes, directory, store, bodyLimitBytes });
  registerAuditDashboard({ routes, directory });
  registerLearnRoutes({ routes, directory });
  if (registry) {
    registerRegistryRoutes(routes, {
      registry,
      bodyLimitBytes,
      actorOf: options.actorOf ?? keyActorOf,
      // A suspended tenant's live agents close here at once (other instances: at their next version check).
      onTenantChanged: (tenant) => {
        if (tenant.status === 'suspended') directory.evict(tenant.tenantId);
      },
      // This instance serves the new config from the next message (others: at their next version check).
      onAgentChanged: (tenantId, agentId) => directory.evict(tenantId, agentId),
    });
  }

  const webhooks = options.channels
    ? registerChannelRoutes(app, routes, options.channels, {
        observe: (method, route, status) => metrics.observeHttpRequest(method, route, status),
        logError,
      })
    : new Map<string, NodeWebhook>();
  // A tenant's contacts: whose messages on several channels continue one conversation.
  if (options.channels) {
    registerContactRoutes(routes, {
      store,
      bodyLimitBytes,
      actorOf: options.actorOf ?? keyActorOf,
      contactLink: options.channels.core.contactLink,
    });
  }

  app.notFound((c) =>
    errorResponse(
      new StewardError('not-found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`),
    ),
  );
  app.onError((error, c) => errorResponse(toHttpError(error, `${c.req.method} ${routeLabel(c)}`, logError)));

  return Object.assign(app, { lifecycle, routeActions: routes.actions, webhooks });
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

/** The directory the options give: `directory`, or a fixed one over `agents`. */
function directoryOf(options: AppOptions): AgentDirectory {
  if (options.directory && options.agents) {
    throw new StewardError('invalid-config', 'give createApp either `agents` or `directory`, not both');
  }
  if (options.directory) return options.directory;
  if (options.agents) return fixedAgentDirectory(options.agents);
  throw new StewardError(
    'invalid-config',
    'createApp needs the agents to serve: `agents: [agent, …]`, or `directory` (e.g. hostAgentDirectory over the registry)',
  );
}

/**
 * A directory whose tenants are also the registry's: the registry routes serve a tenant with no agent in a
 * fixed list, and a registry tenant's status and limits apply to its messages.
 */
function withRegistryTenants(directory: AgentDirectory, registry: Registry): AgentDirectory {
  return {
    ...directory,
    async tenant(tenantId, epochMark) {
      const tenant = await registry.tenants.current(tenantId, epochMark).catch((error: unknown) => {
        if (StewardError.isInstance(error) && error.code === 'invalid-request') return undefined;
        throw error;
      });
      if (!tenant) return directory.tenant(tenantId, epochMark);
      const perMinute = tenant.limits.messagesPerMinute;
      return { status: tenant.status, ...(perMinute === undefined ? {} : { messagesPerMinute: perMinute }) };
    },
  };
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

/** Node's response of the request, when @hono/node-server serves the app (its `outgoing` binding). */
function nodeResponseOf(c: Context<AppEnv>): NodeResponseEvents | undefined {
  const outgoing = (c.env as { outgoing?: NodeResponseEvents } | undefined)?.outgoing;
  return outgoing && typeof outgoing.once === 'function' ? outgoing : undefined;
}

/** The matched route pattern (bounded, safe as a metric label), or `unmatched`. */
function routeLabel(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c).filter((route) => route.method !== 'ALL');
  return routes.at(-1)?.path ?? 'unmatched';
}
