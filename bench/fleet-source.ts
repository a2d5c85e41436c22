/**
 * The fleet benchmark's `AgentSource` over the registry, timing each registry read: `resolve` is the
 * effective config (the agent, its template and tenant in one statement, merged and validated), and
 * `version` the agent's effective version (one indexed read). The server's own registry source is
 * wired in src/server; this one is the same two calls, so the figures are those of the registry.
 */
import { performance } from 'node:perf_hooks';
import { type AgentSource, discardChanges, Registry } from '../src/fleet/index.js';
import type { StewardStore } from '../src/store/index.js';

export interface TimedAgentSource extends AgentSource {
  /** Duration (ms) of the last `resolve`. */
  lastResolveMs: number;
  resolves: number;
  versionChecks: number;
}

export function timedRegistrySource(store: StewardStore): TimedAgentSource {
  const registry = new Registry(store, { changes: discardChanges });
  const source: TimedAgentSource = {
    lastResolveMs: 0,
    resolves: 0,
    versionChecks: 0,
    async resolve(tenantId, agentId) {
      const started = performance.now();
      try {
        const resolved = await registry.resolveAgentConfig(tenantId, agentId);
        return { config: resolved.config, version: resolved.version };
      } catch (error) {
        if ((error as { code?: string }).code === 'not-found') return undefined;
        throw error;
      } finally {
        source.lastResolveMs = performance.now() - started;
        source.resolves++;
      }
    },
    async version(tenantId, agentId) {
      source.versionChecks++;
      const entry = await registry.agents.get({ tenantId, agentId });
      return entry?.status === 'active' ? entry.effectiveVersion : undefined;
    },
  };
  return source;
}
