/**
 * Where the app gets its agents: one small interface with two implementations, a fixed list (a library
 * user's `createApp({ agents })`) and an AgentHost over the registry (`steward serve`: agents built on
 * their first message, kept in an LRU).
 */
import type { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import type { AgentHost, Registry, RegistryAgentSource, TenantScope } from '../fleet/index.js';
import { unknownAgentError } from './http-errors.js';

/** What a route needs of a tenant before it serves it. */
export interface TenantState {
  status: 'active' | 'suspended';
  /** The tenant's own message limit (registry `limits.messagesPerMinute`), when it has one. */
  messagesPerMinute?: number;
}

export interface AgentDirectory {
  /**
   * Runs `work` with the agent, which stays open until `work` ends. `not-found` when the tenant has no
   * such agent (the same answer whatever the reason, so it names no other agent or tenant).
   */
  use<Result>(
    tenantId: string,
    agentId: string,
    work: (agent: ClaudeAgent) => Promise<Result>,
  ): Promise<Result>;
  /**
   * The tenant of an agent named by id alone (the deprecated `/api/agents/:agentId/…` routes), among the
   * `visible` tenants; undefined when none of them has it. Throws `invalid-request` when several do.
   */
  tenantOf(agentId: string, visible: TenantScope): Promise<string | undefined>;
  /**
   * The tenant's state, or undefined when there is no such tenant. `epochMark`: where the store's change
   * epoch stood when the request arrived (`epochWatch(store).mark()`), so a registry tenant may come from
   * the registry's cache (`TenantRegistry.current`).
   */
  tenant(tenantId: string, epochMark?: number): Promise<TenantState | undefined>;
  /** The agents live now (metrics, `GET /api/agents`). */
  live(): ClaudeAgent[];
  /**
   * Closes a tenant's live agents (or one of them), letting their in-flight messages finish: after a
   * suspension, or a config change made on this instance (the next message builds the new config).
   */
  evict(tenantId: string, agentId?: string): void;
  /** Closes every agent, waiting for in-flight messages. */
  close(): Promise<void>;
}

/**
 * A fixed list of agents, ids unique across tenants (the deprecated routes name an agent by id alone).
 *
 * @example
 * const directory = fixedAgentDirectory([frontDesk, backOffice]);
 */
export function fixedAgentDirectory(list: readonly ClaudeAgent[]): AgentDirectory {
  const agents = new Map<string, ClaudeAgent>();
  for (const agent of list) {
    if (agents.has(agent.agentId)) {
      throw new StewardError(
        'invalid-config',
        `two agents have the agentId "${agent.agentId}"; agentIds must be unique`,
      );
    }
    agents.set(agent.agentId, agent);
  }
  const tenants = new Set(list.map((agent) => agent.tenantId));
  return {
    async use(tenantId, agentId, work) {
      const agent = agents.get(agentId);
      if (!agent || agent.tenantId !== tenantId) throw unknownAgentError(agentId);
      return work(agent);
    },
    async tenantOf(agentId, visible) {
      const tenantId = agents.get(agentId)?.tenantId;
      return tenantId !== undefined && (visible === '*' || visible.includes(tenantId)) ? tenantId : undefined;
    },
    async tenant(tenantId) {
      return tenants.has(tenantId) ? { status: 'active' } : undefined;
    },
    live: () => [...agents.values()],
    evict() {},
    async close() {
      const results = await Promise.allSettled([...agents.values()].map((agent) => agent.close()));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      if (failures.length > 0) throw new AggregateError(failures, 'some agents failed to close');
    },
  };
}

export interface HostAgentDirectoryOptions {
  /** The LRU of live agents, built from `source`. */
  host: AgentHost;
  /** The host's source: finds the tenant of an agent named by id alone. */
  source: RegistryAgentSource;
  /** Tenants: status and limits. */
  registry: Registry;
}

/**
 * The registry's agents, built on demand by an AgentHost.
 *
 * @example
 * const source = registryAgentSource(registry);
 * const host = new AgentHost({ source, store, runtime, onBuilt: (agent) => metrics.trackAgent(agent) });
 * const app = createApp({ directory: hostAgentDirectory({ host, source, registry }), registry, store, metrics });
 */
export function hostAgentDirectory(options: HostAgentDirectoryOptions): AgentDirectory {
  const { host, source, registry } = options;
  return {
    use: (tenantId, agentId, work) => host.use(tenantId, agentId, work),
    async tenantOf(agentId, visible) {
      const found = await source.tenantsOf(agentId, visible === '*' ? {} : { tenants: visible });
      if (found.length > 1) {
        throw new StewardError(
          'invalid-request',
          `several of your tenants have an agent "${agentId}": name the tenant, as in /api/tenants/<tenantId>/agents/${agentId}/… (or ?tenantId=)`,
          { details: { agentId } },
        );
      }
      return found[0];
    },
    async tenant(tenantId, epochMark) {
      const tenant = await registry.tenants.current(tenantId, epochMark).catch((error: unknown) => {
        // An id the registry would never accept names no tenant.
        if (StewardError.isInstance(error) && error.code === 'invalid-request') return undefined;
        throw error;
      });
      if (!tenant) return undefined;
      const perMinute = tenant.limits.messagesPerMinute;
      return { status: tenant.status, ...(perMinute === undefined ? {} : { messagesPerMinute: perMinute }) };
    },
    live: () => host.agents(),
    evict: (tenantId, agentId) => host.evict(tenantId, agentId),
    close: () => host.close(),
  };
}
