/**
 * Per-route authorization and tenant scope. Every `/api` route is declared with the action it takes
 * (`declare`), and its first handler checks the caller for that action on the tenant the route names.
 * Tenant routes (`/api/tenants/:tenantId/…`) take the tenant from the path: out of the key's scope
 * answers exactly like a tenant that does not exist. The deprecated routes find the tenant through the
 * agent directory (`/api/agents/:agentId/…`) or `?tenantId=`, narrowed to the key's tenants, and answer
 * with a `Deprecation` header and a `Link` to their successor. A route without a declared action
 * answers 500 (fail closed; the route table test names it).
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { StewardError } from '../errors/index.js';
import {
  type Action,
  authorize,
  type PermissionPolicy,
  tenantNotFound,
  visibleTenants,
} from '../fleet/index.js';
import type { AgentDirectory, TenantState } from './agent-directory.js';
import { callerOf } from './auth.js';
import { unknownAgentError } from './http-errors.js';

/** The tenant (and agent) a request acts on, once its route checked the caller. */
export interface RouteScope {
  /** The one tenant acted on; undefined only on a deprecated list called by a key for every tenant. */
  tenantId: string | undefined;
  agentId?: string;
  /** The tenant's state, when the route already read it (tenant routes do, to answer 404 for a missing one). */
  tenant?: TenantState;
  /** True on a deprecated alias (`/api/agents/…`, `/api/interactions` …). */
  deprecated: boolean;
}

export type ScopeVariables = { routeScope: RouteScope };

/** Where the registry's change epoch stood when the request arrived (see `AgentDirectory.tenant`). */
export type EpochMarkVariables = { epochMark: number | undefined };

/** How a route finds its tenant. */
export type ScopeKind =
  /** `/api/tenants/:tenantId/…`: the path's tenant, which must exist. */
  | 'tenant'
  /** `/api/tenants/:tenantId/agents/:agentId/…`. */
  | 'tenant-agent'
  /** Deprecated `/api/agents/:agentId/…`: the agent's tenant, among the key's tenants. */
  | 'legacy-agent'
  /** Deprecated tenant-level lists and actions: `?tenantId=`, else the key's only tenant, else every tenant. */
  | 'legacy-tenant'
  /** A route that concerns no single tenant (platform routes, lists narrowed by the handler). */
  | 'none';

/** The date the deprecated aliases were deprecated (RFC 9745 `Deprecation: @<epoch seconds>`). */
const deprecatedSince = '@1796342400';

export interface RouteScopeOptions {
  directory: AgentDirectory;
  policy?: PermissionPolicy;
}

/**
 * The route table of one app: `declare` registers a route with its action and scope check.
 *
 * @example
 * const routes = createRouteTable(app, { directory });
 * routes.declare('GET', '/api/tenants/:tenantId/costs', 'costs:read', 'tenant', handler);
 */
export interface RouteTable {
  declare(
    method: string,
    path: string,
    action: Action,
    kind: ScopeKind,
    ...handlers: MiddlewareHandler[]
  ): void;
  /** Both forms of an agent-level route: `/api/tenants/:tenantId/agents/:agentId<suffix>` and deprecated `/api/agents/:agentId<suffix>`. */
  agentRoute(method: string, suffix: string, action: Action, ...handlers: MiddlewareHandler[]): void;
  /** Both forms of a tenant-level route: `/api/tenants/:tenantId<suffix>` and deprecated `/api<suffix>`. */
  tenantRoute(method: string, suffix: string, action: Action, ...handlers: MiddlewareHandler[]): void;
  /** Records a route registered elsewhere that checks `action` in its own handlers (the keys API). */
  selfChecked(method: string, path: string, action: Action): void;
  /** `METHOD /path` → action, for every declared route. */
  readonly actions: ReadonlyMap<string, Action>;
  /** The directory the routes find tenants and agents in. */
  readonly directory: AgentDirectory;
  /** The fail-closed check: 500 for a matched `/api` route that was not declared. Use on `/api/*`. */
  readonly failClosed: MiddlewareHandler;
}

export function createRouteTable<Env extends object>(
  app: Hono<Env & { Variables: object }>,
  options: RouteScopeOptions,
): RouteTable {
  const actions = new Map<string, Action>();
  const record = (method: string, path: string, action: Action) => {
    const key = `${method} ${path}`;
    if (actions.has(key)) throw new StewardError('internal', `route ${key} is declared twice`);
    actions.set(key, action);
  };
  const declare: RouteTable['declare'] = (method, path, action, kind, ...handlers) => {
    record(method, path, action);
    const check = requireScopedAction(action, kind, options);
    // Hono's overloads cannot see a spread of handlers; the handlers are plain middleware.
    (app.on as (method: string, path: string, ...handlers: MiddlewareHandler[]) => unknown)(
      method,
      path,
      check,
      ...handlers,
    );
  };
  return {
    declare,
    agentRoute(method, suffix, action, ...handlers) {
      declare(method, `/api/tenants/:tenantId/agents/:agentId${suffix}`, action, 'tenant-agent', ...handlers);
      declare(method, `/api/agents/:agentId${suffix}`, action, 'legacy-agent', ...handlers);
    },
    tenantRoute(method, suffix, action, ...handlers) {
      declare(method, `/api/tenants/:tenantId${suffix}`, action, 'tenant', ...handlers);
      declare(method, `/api${suffix}`, action, 'legacy-tenant', ...handlers);
    },
    selfChecked: record,
    actions,
    directory: options.directory,
    failClosed: async (c, next) => {
      const route = matchedRoutes(c)
        .filter((matched) => matched.method !== 'ALL')
        .at(-1);
      // No route: the app's 404 answers.
      if (route && !actions.has(`${route.method} ${route.path}`)) {
        throw new StewardError('internal', `no permission is declared for ${route.method} ${route.path}`);
      }
      await next();
    },
  };
}

/**
 * Checks the caller's role for `action` (403), then its scope on the route's tenant (404, as for a
 * tenant or agent that does not exist), and puts the scope on the context for the handler.
 *
 * @example
 * app.get('/api/tenants/:tenantId/costs', requireScopedAction('costs:read', 'tenant', { directory }), handler);
 */
export function requireScopedAction(
  action: Action,
  kind: ScopeKind,
  options: RouteScopeOptions,
): MiddlewareHandler {
  const { directory, policy } = options;
  return async (c, next) => {
    const caller = callerOf(c);
    authorize(caller, { action }, policy);
    let scope: RouteScope;
    switch (kind) {
      case 'tenant':
      case 'tenant-agent': {
        const tenantId = c.req.param('tenantId')!;
        authorize(caller, { action, tenantId }, policy);
        const tenant = await directory.tenant(tenantId, c.get('epochMark') as number | undefined);
        if (!tenant) throw tenantNotFound(tenantId);
        scope = {
          tenantId,
          tenant,
          deprecated: false,
          ...(kind === 'tenant-agent' ? { agentId: c.req.param('agentId')! } : {}),
        };
        break;
      }
      case 'legacy-agent': {
        const agentId = c.req.param('agentId')!;
        // `?tenantId=` picks the tenant when several of the key's tenants have an agent of this id.
        const queryTenant = c.req.query('tenantId');
        if (queryTenant !== undefined) authorize(caller, { action, tenantId: queryTenant }, policy);
        const visible = queryTenant === undefined ? visibleTenants(caller) : [queryTenant];
        const tenantId = await directory.tenantOf(agentId, visible);
        // Out of scope reads exactly like an agent that does not exist.
        if (tenantId === undefined) throw unknownAgentError(agentId);
        scope = { tenantId, agentId, deprecated: true };
        break;
      }
      case 'legacy-tenant': {
        const queryTenant = c.req.query('tenantId');
        let tenantId: string | undefined;
        if (queryTenant !== undefined) {
          authorize(caller, { action, tenantId: queryTenant }, policy);
          tenantId = queryTenant;
        } else if (caller.tenants !== '*') {
          if (caller.tenants.length !== 1) {
            throw new StewardError(
              'invalid-request',
              `key "${caller.keyName}" covers several tenants: name one with ?tenantId=, or use /api/tenants/<tenantId>${c.req.routePath.slice('/api'.length)}`,
              { details: { field: 'tenantId' } },
            );
          }
          tenantId = caller.tenants[0];
        }
        scope = { tenantId, deprecated: true };
        break;
      }
      case 'none':
        scope = { tenantId: undefined, deprecated: false };
        break;
    }
    c.set('routeScope', scope);
    await next();
    if (scope.deprecated) markDeprecated(c, scope);
  };
}

/** The scope `requireAction` checked; a handler outside a declared route is a wiring bug. */
export function scopeOf(c: Context): RouteScope {
  const scope = c.get('routeScope') as RouteScope | undefined;
  if (!scope)
    throw new StewardError('internal', 'no route scope on this request: the route was not declared');
  return scope;
}

/** The tenant and agent of an agent-level route. */
export function agentScopeOf(c: Context): { tenantId: string; agentId: string } {
  const { tenantId, agentId } = scopeOf(c);
  if (tenantId === undefined || agentId === undefined) {
    throw new StewardError('internal', 'this route names no agent');
  }
  return { tenantId, agentId };
}

/**
 * Checks a tenant a handler learns only from the request body or a record (a decrypt request's
 * `tenantId`, an approval's tenant) against the route's scope and the caller's keys: a tenant outside
 * them is the 404 of a missing tenant.
 */
export function checkTenant(c: Context, action: Action, tenantId: string, policy?: PermissionPolicy): void {
  const scope = scopeOf(c);
  if (scope.tenantId !== undefined && scope.tenantId !== tenantId) throw tenantNotFound(tenantId);
  authorize(callerOf(c), { action, tenantId }, policy);
}

/** RFC 9745 `Deprecation` and a `Link` to the route that replaces this alias. */
function markDeprecated(c: Context, scope: RouteScope): void {
  c.res.headers.set('deprecation', deprecatedSince);
  const path = new URL(c.req.url).pathname;
  if (scope.tenantId === undefined) return;
  const tenant = `/api/tenants/${encodeURIComponent(scope.tenantId)}`;
  // /api/agents/desk/trust → /api/tenants/acme/agents/desk/trust; /api/costs → /api/tenants/acme/costs
  c.res.headers.set('link', `<${tenant}${path.slice('/api'.length)}>; rel="successor-version"`);
}
