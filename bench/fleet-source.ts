/**
 * The fleet benchmark's `AgentSource`: the server's own `registryAgentSource` (fleet/host), timing each
 * registry read: `resolve` is the effective config (the agent, its template and tenant, merged and
 * validated), and `version` the agent's effective version with its tenant's status (one indexed read).
 */
import { performance } from 'node:perf_hooks';
import { type AgentSource, discardChanges, Registry, registryAgentSource } from '../src/fleet/index.js';
import type { StewardStore } from '../src/store/index.js';

export interface TimedAgentSource extends AgentSource {
  /** Duration (ms) of the last `resolve`. */
  lastResolveMs: number;
  resolves: number;
  versionChecks: number;
}

export function timedRegistrySource(store: StewardStore): TimedAgentSource {
  const inner = registryAgentSource(new Registry(store, { changes: discardChanges }));
  const source: TimedAgentSource = {
    lastResolveMs: 0,
    resolves: 0,
    versionChecks: 0,
    async resolve(tenantId, agentId) {
      const started = performance.now();
      try {
        return await inner.resolve(tenantId, agentId);
      } finally {
        source.lastResolveMs = performance.now() - started;
        source.resolves++;
      }
    },
    version(tenantId, agentId) {
      source.versionChecks++;
      return inner.version(tenantId, agentId);
    },
  };
  return source;
}
