/**
 * The audit dashboard (`audit.analytics.dashboard: true`): one tenant's last 24 hours (or a chosen
 * period) as the compliance report's HTML page: activity by event and agent, access accounting,
 * permission and trust changes, denials, approvals, alerts, chain integrity and retention.
 */
import { z } from 'zod';
import { type ClaudeAgent, idSchema } from '../agent/index.js';
import { renderReport } from '../audit/index.js';
import { StewardError } from '../errors/index.js';
import type { AgentDirectory } from './agent-directory.js';
import { invalidRequestFromZod } from './http-errors.js';
import { checkTenant, type RouteTable, scopeOf } from './route-scope.js';

const DAY_MS = 86_400_000;

const dashboardQuerySchema = z
  .object({
    tenantId: idSchema.optional(),
    standard: z.enum(['SOC2', 'HIPAA']).optional(),
    hours: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 366)
      .optional(),
  })
  .strict();

export interface AuditDashboardOptions {
  routes: RouteTable;
  directory: AgentDirectory;
  now?: () => number;
}

/**
 * `GET /api/tenants/:tenantId/audit/dashboard` and its deprecated alias `GET /api/audit/dashboard?tenantId=`.
 *
 * @example
 * registerAuditDashboard({ routes, directory }); // GET /api/tenants/acme/audit/dashboard?hours=24
 */
export function registerAuditDashboard(options: AuditDashboardOptions): void {
  const now = options.now ?? Date.now;
  options.routes.tenantRoute('GET', '/audit/dashboard', 'audit:read', async (c) => {
    const raw = Object.fromEntries(new URL(c.req.url).searchParams.entries());
    const parsed = dashboardQuerySchema.safeParse(raw);
    if (!parsed.success) throw invalidRequestFromZod(parsed.error, raw, 'query');
    const { hours } = parsed.data;
    const tenantId = parsed.data.tenantId ?? scopeOf(c).tenantId;
    if (tenantId === undefined) throw tenantRequired();
    checkTenant(c, 'audit:read', tenantId);
    let audit: Awaited<ReturnType<ClaudeAgent['audit']>>;
    for (const agent of options.directory.live()) {
      if (agent.tenantId !== tenantId) continue;
      const candidate = await agent.audit();
      if (candidate?.config.analytics?.dashboard) {
        audit = candidate;
        break;
      }
    }
    if (!audit) {
      throw new StewardError(
        'not-found',
        `no agent of tenant "${tenantId}" on this server has audit.analytics.dashboard turned on`,
      );
    }
    const standard =
      parsed.data.standard ?? audit.config.compliance?.standards.find((name) => name === 'HIPAA') ?? 'SOC2';
    const to = now() + 1;
    const report = await audit.report({ standard, tenantId, from: to - (hours ?? 24) * (DAY_MS / 24), to });
    return c.html(renderReport(report, 'html'));
  });
}

function tenantRequired(): StewardError {
  return new StewardError(
    'invalid-request',
    'query.tenantId is required (or use /api/tenants/<tenantId>/audit/dashboard)',
    {
      details: { field: 'tenantId' },
    },
  );
}
