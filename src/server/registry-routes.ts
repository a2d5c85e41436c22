/**
 * The registry API: tenants, their agents' configs and the platform's templates. Writes carry the
 * actor (`actorOf`, by default the `X-Steward-Actor` header) into their change records; `If-Match: "<version>"`
 * makes a write conditional (412 when stale) and every entry is served with its version as `ETag`.
 * An agent is found only under its own tenant's path: any other path is a 404 that names nothing else.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { InvalidConfigError, StewardError } from '../errors/index.js';
import { agentStatuses, type Registry, type Tenant, tenantNotFound, tenantStatuses } from '../fleet/index.js';
import { invalidRequestFromZod } from './http-errors.js';
import { limitBody, readJsonBody, requireJsonBody } from './json-body.js';
import type { RouteTable } from './route-scope.js';

/** The header naming who makes a change, when the app passes no `actorOf`. */
export const registryActorHeader = 'X-Steward-Actor';

const maxActorLength = 256;

/** Who is acting, from the `X-Steward-Actor` header; `invalid-request` when it is missing. */
export function actorFromHeader(c: Context): string {
  const actor = (c.req.header(registryActorHeader) ?? '').trim();
  if (actor === '' || actor.length > maxActorLength) {
    throw new StewardError(
      'invalid-request',
      `registry changes are recorded with who made them: send the header "${registryActorHeader}: <your name or id>" (1 to ${maxActorLength} characters)`,
      { details: { field: registryActorHeader } },
    );
  }
  return actor;
}

export interface RegistryRoutesOptions {
  registry: Registry;
  bodyLimitBytes: number;
  /** Called after a tenant changed on this instance (e.g. suspended: its live agents are closed). */
  onTenantChanged?: (tenant: Tenant) => void;
  /** Called after an agent's config was put or the agent disabled on this instance (its live agent is closed). */
  onAgentChanged?: (tenantId: string, agentId: string) => void;
  /** Who makes a change, for its record; default {@link actorFromHeader}. */
  actorOf?: ((c: Context) => string) | undefined;
}

const jsonObject = z.record(z.string(), z.unknown());

const newTenantSchema = z
  .object({
    tenantId: z.string(),
    displayName: z.string().optional(),
    limits: jsonObject.optional(),
    status: z.enum(tenantStatuses).optional(),
  })
  .strict();

const tenantPatchSchema = z
  .object({
    displayName: z.string().optional(),
    /** A merge patch over the current limits: `{ "maxAgents": null }` removes that limit. */
    limits: jsonObject.optional(),
    status: z.enum(tenantStatuses).optional(),
  })
  .strict();

const pageQuerySchema = z
  .object({
    cursor: z.string().min(1).optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 500')
      .transform(Number)
      .optional(),
  })
  .strict();

export function registerRegistryRoutes(routes: RouteTable, options: RegistryRoutesOptions): void {
  const { registry } = options;
  const actorOf = options.actorOf ?? actorFromHeader;
  const json = [requireJsonBody(), limitBody(options.bodyLimitBytes)] as const;
  const write = (c: Context, ifMatch?: number) => ({
    actor: actorOf(c),
    ...(ifMatch === undefined ? {} : { ifMatch }),
  });

  routes.declare('POST', '/api/tenants', 'tenants:manage', 'none', ...json, async (c) => {
    const body = await readJsonBody(c, newTenantSchema);
    const tenant = await configErrorsAsRequest(() => registry.tenants.create(body, write(c)));
    return c.json(tenant, 201, { etag: etag(tenant.version) });
  });

  routes.declare('GET', '/api/tenants', 'tenants:manage', 'none', async (c) => {
    const query = parseQuery(c, pageQuerySchema.extend({ status: z.enum(tenantStatuses).optional() }));
    return c.json(await registry.tenants.list(query), 200);
  });

  routes.declare('GET', '/api/tenants/:tenantId', 'agents:read', 'tenant', async (c) => {
    const tenantId = c.req.param('tenantId')!;
    const tenant = await registry.tenants.get(tenantId);
    if (!tenant) throw tenantNotFound(tenantId);
    return c.json(tenant, 200, { etag: etag(tenant.version) });
  });

  routes.declare('PATCH', '/api/tenants/:tenantId', 'tenants:manage', 'tenant', ...json, async (c) => {
    const body = await readJsonBody(c, tenantPatchSchema);
    const tenant = await configErrorsAsRequest(() =>
      registry.tenants.update(c.req.param('tenantId')!, body, write(c, ifMatchOf(c))),
    );
    options.onTenantChanged?.(tenant);
    return c.json(tenant, 200, { etag: etag(tenant.version) });
  });

  routes.declare('GET', '/api/tenants/:tenantId/agents', 'agents:read', 'tenant', async (c) => {
    const query = parseQuery(c, pageQuerySchema.extend({ status: z.enum(agentStatuses).optional() }));
    return c.json(await registry.agents.list(c.req.param('tenantId')!, query), 200);
  });

  routes.declare(
    'PUT',
    '/api/tenants/:tenantId/agents/:agentId',
    'agents:write',
    'tenant-agent',
    ...json,
    async (c) => {
      const config = await readJsonBody(c, jsonObject);
      const { agent, outcome } = await configErrorsAsRequest(() =>
        registry.agents.put(scopeOf(c), config, write(c, ifMatchOf(c))),
      );
      options.onAgentChanged?.(agent.tenantId, agent.agentId);
      return c.json({ ...agent, outcome }, outcome === 'created' ? 201 : 200, { etag: etag(agent.version) });
    },
  );

  routes.declare(
    'GET',
    '/api/tenants/:tenantId/agents/:agentId',
    'agents:read',
    'tenant-agent',
    async (c) => {
      const scope = scopeOf(c);
      const agent = await registry.agents.get(scope);
      if (!agent) {
        throw new StewardError(
          'not-found',
          `there is no agent "${scope.agentId}" in tenant "${scope.tenantId}"`,
        );
      }
      return c.json(agent, 200, { etag: etag(agent.version) });
    },
  );

  routes.declare(
    'DELETE',
    '/api/tenants/:tenantId/agents/:agentId',
    'agents:write',
    'tenant-agent',
    async (c) => {
      const { agent, outcome } = await registry.agents.disable(scopeOf(c), write(c, ifMatchOf(c)));
      options.onAgentChanged?.(agent.tenantId, agent.agentId);
      return c.json({ ...agent, outcome }, 200, { etag: etag(agent.version) });
    },
  );

  routes.declare('GET', '/api/templates', 'templates:manage', 'none', async (c) =>
    c.json(await registry.templates.list(parseQuery(c, pageQuerySchema)), 200),
  );

  routes.declare('PUT', '/api/templates/:templateId', 'templates:manage', 'none', ...json, async (c) => {
    const config = await readJsonBody(c, jsonObject);
    const { template, outcome, agentsAffected } = await configErrorsAsRequest(() =>
      registry.templates.put(c.req.param('templateId')!, config, write(c, ifMatchOf(c))),
    );
    return c.json({ ...template, outcome, agentsAffected }, outcome === 'created' ? 201 : 200, {
      etag: etag(template.version),
    });
  });

  routes.declare('GET', '/api/templates/:templateId', 'templates:manage', 'none', async (c) => {
    const templateId = c.req.param('templateId')!;
    const template = await registry.templates.get(templateId);
    if (!template) throw new StewardError('not-found', `there is no template "${templateId}"`);
    return c.json(template, 200, { etag: etag(template.version) });
  });

  routes.declare('DELETE', '/api/templates/:templateId', 'templates:manage', 'none', async (c) => {
    const templateId = c.req.param('templateId')!;
    await registry.templates.delete(templateId, write(c, ifMatchOf(c)));
    return c.json({ templateId, deleted: true }, 200);
  });
}

const scopeOf = (c: Context) => ({ tenantId: c.req.param('tenantId')!, agentId: c.req.param('agentId')! });

/** A strong entity tag of a version (what `If-Match` gives back). */
const etag = (version: number) => `"${version}"`;

/** `If-Match: "3"` (or `3`) → 3; absent → undefined; anything else is `invalid-request`. */
export function ifMatchOf(c: Context): number | undefined {
  const header = c.req.header('if-match');
  if (header === undefined) return undefined;
  const match = /^\s*"?(\d{1,15})"?\s*$/.exec(header);
  if (!match) {
    throw new StewardError(
      'invalid-request',
      'If-Match: expected one version as the ETag of a GET gives it, such as "3" (weak tags, lists and * are not accepted)',
      { details: { field: 'If-Match' } },
    );
  }
  return Number(match[1]);
}

/**
 * A config the client sent is the client's mistake: 400 with the same paths and `details.issues`
 * (an InvalidConfigError is a 500 where it means the server's own config is wrong).
 */
async function configErrorsAsRequest<Result>(work: () => Promise<Result>): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    if (!InvalidConfigError.isInstance(error)) throw error;
    const issues = (error as InvalidConfigError).issues;
    throw new StewardError('invalid-request', error.message, {
      details: { field: issues[0]?.path ?? '', issues },
    });
  }
}

function parseQuery<Schema extends z.ZodType>(c: Context, schema: Schema): z.output<Schema> {
  const raw = Object.fromEntries(new URL(c.req.url).searchParams.entries());
  const result = schema.safeParse(raw);
  if (!result.success) throw invalidRequestFromZod(result.error, raw, 'query');
  return result.data;
}
