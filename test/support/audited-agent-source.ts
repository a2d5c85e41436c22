/** An `AgentSource` for channel e2e tests: any tenant's agent, built with audit on, at one version. */
import type { AgentSource } from '../../src/fleet/index.js';

export const auditedAgentSource: AgentSource = {
  async resolve(tenantId, agentId) {
    return { config: { tenantId, agentId, audit: { level: 'standard' } }, version: '1' };
  },
  async version() {
    return '1';
  },
};
