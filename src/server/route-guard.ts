/**
 * The action each `/api` route needs, and an interim guard that applies it to every route from one
 * place until the routes become tenant-scoped and call `requireAction` themselves. Fails closed: a
 * route without a declared action answers 500 and the route table test names it.
 */
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { StewardError } from '../errors/index.js';
import { type Action, authorize, type PermissionPolicy } from '../fleet/index.js';
import { callerOf } from './auth.js';
import { unknownAgentError } from './http-errors.js';

/** `METHOD /path` of every API route → the action it takes (see fleet/keys/permissions.ts). */
export const routeActions: Readonly<Record<string, Action>> = {
  'GET /api/agents': 'agents:read',
  'POST /api/agents/:agentId/messages': 'messages:send',
  'GET /api/interactions': 'interactions:read',
  'POST /api/interactions/:id/feedback': 'feedback:give',
  'GET /api/agents/:agentId/trust': 'trust:read',
  'GET /api/agents/:agentId/trust/history': 'trust:read',
  'POST /api/agents/:agentId/trust': 'trust:act',
  'GET /api/approvals': 'approvals:read',
  'POST /api/approvals/:id': 'approvals:decide',
  'GET /api/costs': 'costs:read',
  'GET /api/agents/:agentId/budget': 'budget:read',
  'DELETE /api/agents/:agentId/cache': 'cache:act',
  'GET /api/agents/:agentId/patterns': 'patterns:read',
  'POST /api/agents/:agentId/patterns/:patternId/retire': 'patterns:act',
  'DELETE /api/agents/:agentId/patterns': 'patterns:act',
  'GET /api/audit': 'audit:read',
  'GET /api/audit/verify': 'audit:read',
  'GET /api/audit/dashboard': 'audit:read',
  'POST /api/audit/decrypt': 'audit:decrypt',
  'POST /api/keys': 'keys:manage',
  'GET /api/keys': 'keys:manage',
  'DELETE /api/keys/:id': 'keys:manage',
  'POST /api/tenants': 'tenants:manage',
  'GET /api/tenants': 'tenants:manage',
  'GET /api/tenants/:tenantId': 'agents:read',
  'PATCH /api/tenants/:tenantId': 'tenants:manage',
  'GET /api/tenants/:tenantId/agents': 'agents:read',
  'PUT /api/tenants/:tenantId/agents/:agentId': 'agents:write',
  'GET /api/tenants/:tenantId/agents/:agentId': 'agents:read',
  'DELETE /api/tenants/:tenantId/agents/:agentId': 'agents:write',
  'GET /api/tenants/:tenantId/agents/:agentId/learning': 'learning:read',
  'GET /api/tenants/:tenantId/agents/:agentId/capabilities': 'learning:read',
  'GET /api/tenants/:tenantId/agents/:agentId/capabilities/:id': 'learning:read',
  'POST /api/tenants/:tenantId/agents/:agentId/capabilities/:id/approve': 'capabilities:decide',
  'POST /api/tenants/:tenantId/agents/:agentId/capabilities/:id/reject': 'capabilities:decide',
  'POST /api/tenants/:tenantId/agents/:agentId/capabilities/:id/rollback': 'capabilities:decide',
  'GET /api/templates': 'templates:manage',
  'PUT /api/templates/:templateId': 'templates:manage',
  'GET /api/templates/:templateId': 'templates:manage',
  'DELETE /api/templates/:templateId': 'templates:manage',
};

export interface RouteGuardOptions {
  /** The tenant of an agent on this server, or undefined when there is no such agent. */
  tenantOfAgent(agentId: string): string | undefined;
  policy?: PermissionPolicy;
}

/** The 404 of an agent that is not on this server, also given for an agent of a tenant outside the key's scope. */
export function agentNotFound(agentId: string): StewardError {
  return unknownAgentError(agentId);
}

/**
 * Checks the caller's role for the matched route, and its tenant scope where the request names the
 * tenant (`:agentId` in the path, `?tenantId=`). A key limited to some tenants is refused (403) on a
 * route that names no tenant (lists across tenants, ids of approvals or interactions) until that
 * route is tenant-scoped.
 *
 * @example
 * app.use('/api/*', authenticate(authenticator), guardRoutes({ tenantOfAgent: (id) => agents.get(id)?.tenantId }));
 */
export function guardRoutes(options: RouteGuardOptions): MiddlewareHandler {
  return async (c, next) => {
    const route = matchedRoutes(c)
      .filter((matched) => matched.method !== 'ALL')
      .at(-1);
    // No route: the app's 404 answers.
    if (!route) return next();
    const action = routeActions[`${route.method} ${route.path}`];
    if (!action) {
      throw new StewardError('internal', `no permission is declared for ${route.method} ${route.path}`);
    }
    const caller = callerOf(c);
    authorize(caller, { action }, options.policy);
    if (caller.tenants === '*' || action === 'keys:manage') return next();
    const pathname = new URL(c.req.url).pathname;
    const pathTenant = paramOf(route.path, pathname, ':tenantId');
    const agentId = paramOf(route.path, pathname, ':agentId');
    const queryTenant = c.req.query('tenantId');
    if (pathTenant !== undefined) {
      // A tenant-scoped route: out of scope reads exactly like a tenant that does not exist.
      authorize(caller, { action, tenantId: pathTenant }, options.policy);
    } else if (agentId !== undefined) {
      const tenantId = options.tenantOfAgent(agentId);
      // Out of scope reads exactly like an agent that does not exist.
      if (tenantId === undefined || !caller.tenants.includes(tenantId)) throw agentNotFound(agentId);
      if (queryTenant !== undefined) authorize(caller, { action, tenantId: queryTenant }, options.policy);
    } else if (queryTenant !== undefined) {
      authorize(caller, { action, tenantId: queryTenant }, options.policy);
    } else {
      throw new StewardError(
        'permission-denied',
        `${route.method} ${route.path} names no tenant, and key "${caller.keyName}" is limited to tenants ${caller.tenants.join(', ')}: ` +
          'add ?tenantId=<one of them> where the route takes it, or use a key for all tenants',
        { details: { action } },
      );
    }
    await next();
  };
}

/** The value of `name` in `path` for the route `pattern` (no wildcards), decoded. */
function paramOf(pattern: string, path: string, name: string): string | undefined {
  const index = pattern.split('/').indexOf(name);
  if (index < 0) return undefined;
  const segment = path.split('/')[index];
  return segment === undefined ? undefined : decodeURIComponent(segment);
}
