/**
 * The registry as an AgentHost's source: the effective config of an agent (its own config merged over
 * its template) with its version, a one-row version check, and which tenants have an agent of a given id
 * (for the deprecated routes that name an agent without its tenant).
 */
import type { AgentConfig } from '../../agent/index.js';
import { StewardError } from '../../errors/index.js';
import { effectiveVersionOf } from '../registry/agents.js';
import type { Registry } from '../registry/registry.js';
import { registryDatabase } from '../registry/schema.js';
import type { AgentSource } from './agent-host.js';

/** An AgentSource that also finds an agent's tenants by its id alone. */
export interface RegistryAgentSource extends AgentSource {
  /** Up to `limit` tenants (sorted) that have an active agent `agentId`, among `tenants` when given. */
  tenantsOf(agentId: string, options?: { tenants?: readonly string[]; limit?: number }): Promise<string[]>;
}

/**
 * @example
 * const host = new AgentHost({ source: registryAgentSource(registry), store, runtime });
 */
export function registryAgentSource(registry: Registry): RegistryAgentSource {
  const db = () => registryDatabase(registry.store.db);
  return {
    async resolve(tenantId, agentId) {
      try {
        const effective = await registry.resolveAgentConfig(tenantId, agentId);
        return { config: effective.config as AgentConfig, version: effective.version };
      } catch (error) {
        // Missing or disabled: the host answers its own not-found.
        if (StewardError.isInstance(error) && error.code === 'not-found') return undefined;
        if (StewardError.isInstance(error) && error.code === 'permission-denied')
          throw tenantSuspended(tenantId);
        throw error;
      }
    },
    async version(tenantId, agentId) {
      const row = await db()
        .selectFrom('agents')
        .innerJoin('tenants', 'tenants.tenant_id', 'agents.tenant_id')
        .leftJoin('templates', 'templates.template_id', 'agents.extends')
        .select([
          'agents.version',
          'agents.status',
          'tenants.status as tenant_status',
          'templates.version as template_version',
        ])
        .where('agents.tenant_id', '=', tenantId)
        .where('agents.agent_id', '=', agentId)
        .executeTakeFirst();
      // A disabled agent or a suspended tenant has no version: its live agent is closed.
      if (row?.status !== 'active' || row.tenant_status !== 'active') return undefined;
      return effectiveVersionOf(
        Number(row.version),
        row.template_version === null ? null : Number(row.template_version),
      );
    },
    async tenantsOf(agentId, options = {}) {
      if (options.tenants?.length === 0) return [];
      const rows = await db()
        .selectFrom('agents')
        .select('tenant_id')
        .where('agent_id', '=', agentId)
        .where('status', '=', 'active')
        .$if(options.tenants !== undefined, (query) => query.where('tenant_id', 'in', [...options.tenants!]))
        .orderBy('tenant_id')
        .limit(options.limit ?? 2)
        .execute();
      return rows.map((row) => row.tenant_id);
    },
  };
}

/**
 * The 403 of a message to a suspended tenant's agent: nothing is handled or recorded; resuming the tenant
 * (`PATCH /api/tenants/:tenantId {"status":"active"}`) lets its messages in again.
 */
export function tenantSuspended(tenantId: string): StewardError {
  return new StewardError(
    'tenant-suspended',
    `tenant "${tenantId}" is suspended: its agents take no messages until an admin resumes it`,
    { details: { tenantId } },
  );
}
