/** What `agent.describe()` and `GET /api/agents` report: which stages run and which do not. */
import type { AgentRuntime, RuntimeIsolation } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';
import type { ResolvedAgentConfig } from './config-schema.js';

/**
 * - `on`: the stage runs for every message;
 * - `off`: not configured, or configured with `enabled: false`;
 * - `not-built`: configured, but this version of claude-steward does not implement it yet, so it is
 *   absent from the pipeline (never silently pretended).
 */
export type StageStatus = 'on' | 'off' | 'not-built';

export interface StageDescription {
  name: 'audit' | 'cache' | 'pattern' | 'intelligent' | 'trust' | 'learn' | 'channels';
  status: StageStatus;
  note?: string;
}

export interface AgentDescription {
  tenantId: string;
  agentId: string;
  model: string | null;
  /**
   * `isolation`: how the agent's tools are kept away from the host and other agents (its own workspace, the
   * shell's sandbox and what happens without one); null for a runtime that runs no CLI tools.
   */
  runtime: { name: string; simulatedModel: boolean; isolation: RuntimeIsolation | null };
  /** The store's engine only: where it lives (a path, a database URL) is not for API clients. */
  store: { engine: string };
  /** The tiers of the fallback chain that run, in order. */
  chain: string[];
  stages: StageDescription[];
  maintainContext: boolean;
  tools: string[];
}

export function describeAgent(
  config: ResolvedAgentConfig,
  parts: {
    store: StewardStore;
    runtime: AgentRuntime;
    isolation: RuntimeIsolation | undefined;
    chain: string[];
    built: ReadonlySet<string>;
  },
): AgentDescription {
  const status = (name: StageDescription['name'], present: boolean, enabled = true): StageStatus =>
    !present || !enabled ? 'off' : parts.built.has(name) ? 'on' : 'not-built';
  const fallback = config.optimization?.fallback ?? ['intelligent'];
  const stages: StageDescription[] = [
    { name: 'audit', status: status('audit', config.audit !== undefined, config.audit?.enabled) },
    {
      name: 'cache',
      status: status(
        'cache',
        config.optimization !== undefined && fallback.includes('cache'),
        config.optimization?.enableCache,
      ),
    },
    {
      name: 'pattern',
      status: status('pattern', config.optimization !== undefined && fallback.includes('pattern')),
    },
    {
      name: 'intelligent',
      status: parts.chain.includes('intelligent') ? 'on' : 'off',
      note: parts.runtime.simulatedModel ? 'local simulated model, not Claude' : parts.runtime.name,
    },
    { name: 'trust', status: status('trust', config.trust !== undefined) },
    { name: 'learn', status: status('learn', config.learning !== undefined, config.learning?.enabled) },
    { name: 'channels', status: status('channels', config.channels.length > 0) },
  ];
  for (const stage of stages) {
    if (stage.status === 'not-built')
      stage.note = 'configured; not implemented in this version, so it does not run';
  }
  return {
    tenantId: config.tenantId,
    agentId: config.agentId,
    model: config.model ?? null,
    runtime: {
      name: parts.runtime.name,
      simulatedModel: parts.runtime.simulatedModel,
      isolation: parts.isolation ?? null,
    },
    store: { engine: parts.store.engine },
    chain: parts.chain,
    stages,
    maintainContext: config.messageHandling.maintainContext,
    tools: config.tools,
  };
}
