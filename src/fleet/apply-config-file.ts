/**
 * Puts the agents of a config file (`steward serve --config`, `steward agents apply -f`) into the
 * registry: missing tenants are created, each agent put as it is in the file. Idempotent: an agent whose
 * config is unchanged gets no new version and no record. Host options (`store`, `runtime`, `now`,
 * `createId`) configure the process that loads the file, not the agent, and are left out. Agents in the
 * registry that the file does not name are left as they are.
 */
import { StewardError } from '../errors/index.js';
import { hostOnlyKeys } from './registry/agent-config.js';
import type { AgentWriteResult } from './registry/agents.js';
import type { Registry } from './registry/registry.js';

export interface AppliedAgent {
  tenantId: string;
  agentId: string;
  outcome: AgentWriteResult['outcome'];
  version: number;
  effectiveVersion: string;
}

export interface ApplyResult {
  tenantsCreated: string[];
  agents: AppliedAgent[];
}

/** The ClaudeAgent defaults of the ids, so a file without them lands where the agent runs. */
const defaultId = 'default';

/**
 * @example
 * const configs = await loadAgentConfigs('steward.config.ts', process.cwd());
 * const { agents } = await applyConfigFile(registry, configs, 'serve:steward.config.ts');
 */
export async function applyConfigFile(
  registry: Registry,
  configs: readonly object[],
  actor: string,
): Promise<ApplyResult> {
  const entries = configs.map((config) => {
    const record = config as Record<string, unknown>;
    const tenantId = typeof record.tenantId === 'string' ? record.tenantId : defaultId;
    const agentId = typeof record.agentId === 'string' ? record.agentId : defaultId;
    const agentConfig = Object.fromEntries(
      Object.entries(record).filter(([key]) => !(hostOnlyKeys as readonly string[]).includes(key)),
    );
    return { tenantId, agentId, config: agentConfig };
  });
  const seen = new Set<string>();
  for (const { tenantId, agentId } of entries) {
    const key = `${tenantId}/${agentId}`;
    if (seen.has(key)) {
      throw new StewardError(
        'invalid-config',
        `the file names agent ${key} twice; each agent must appear once (the second would replace the first)`,
      );
    }
    seen.add(key);
  }
  const tenantsCreated: string[] = [];
  for (const tenantId of new Set(entries.map((entry) => entry.tenantId))) {
    if (await registry.tenants.get(tenantId)) continue;
    try {
      await registry.tenants.create({ tenantId }, { actor });
      tenantsCreated.push(tenantId);
    } catch (error) {
      // Created by someone else in the meantime: just as good.
      if (!(StewardError.isInstance(error) && error.code === 'conflict')) throw error;
    }
  }
  const agents: AppliedAgent[] = [];
  for (const { tenantId, agentId, config } of entries) {
    const { agent, outcome } = await registry.agents.put({ tenantId, agentId }, config, { actor });
    agents.push({
      tenantId,
      agentId,
      outcome,
      version: agent.version,
      effectiveVersion: agent.effectiveVersion,
    });
  }
  return { tenantsCreated, agents };
}
