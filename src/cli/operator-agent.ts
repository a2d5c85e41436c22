/**
 * The agent a state-changing command acts on, opened the way `steward serve` opens it (the first
 * config's store, the agent's own primitives and event bus), so the action is audited, masked and
 * alerted on exactly as through the HTTP API; closing it flushes the audit log.
 */
import type { AgentConfig } from '../agent/index.js';
import { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import { discardChanges, Registry } from '../fleet/index.js';
import type { AgentRuntime } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';
import { openStore } from '../store/index.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { loadAgentConfigs } from './load-config.js';

export interface OperatorAgentOptions {
  configPath: string;
  /** `--agent`: required when the config has several agents (and for an agent of the registry). */
  agentId?: string | undefined;
  /** `--tenant`: with `--agent`, an agent of the fleet registry that is not in the config file. */
  tenantId?: string | undefined;
  /** Which agents may be picked when `--agent` is not given (e.g. only those with trust). */
  eligible?: (config: AgentConfig) => boolean;
}

export interface OperatorAgent {
  agent: ClaudeAgent;
  store: StewardStore;
  /** Every agent of the config file, for actions that look across them (an approval by its id). */
  others: ClaudeAgent[];
  close(): Promise<void>;
}

/**
 * @example
 * const { agent, close } = await openOperatorAgent({ configPath: 'steward.config.ts', agentId: 'front-desk' }, io);
 * try { await agent.invalidateCache({ actor: 'cli:alice' }); } finally { await close(); }
 */
export async function openOperatorAgent(options: OperatorAgentOptions, io: CliIo): Promise<OperatorAgent> {
  const configs = await loadAgentConfigs(options.configPath, io.cwd);
  const store = await openSharedStore(configs[0]!, io);
  const opened: ClaudeAgent[] = [];
  const close = async () => {
    for (const agent of opened.reverse()) await agent.close();
    if (!isStore(configs[0]!.store)) await store.close();
  };
  try {
    const build = (config: AgentConfig) => {
      const agent = new ClaudeAgent({ ...config, store, runtime: placeholderRuntime });
      opened.push(agent);
      return agent;
    };
    const inFile = configs.filter(
      (config) =>
        (options.agentId === undefined || (config.agentId ?? 'default') === options.agentId) &&
        (options.tenantId === undefined || (config.tenantId ?? 'default') === options.tenantId),
    );
    let chosen: AgentConfig | undefined;
    if (options.agentId !== undefined) {
      chosen = inFile[0] ?? (await fromRegistry(store, options.tenantId, options.agentId));
    } else {
      const candidates = options.eligible ? inFile.filter(options.eligible) : inFile;
      if (candidates.length !== 1) {
        throw new CliError(
          candidates.length === 0
            ? `${options.configPath} has no agent this applies to`
            : 'the config has several agents: name one with --agent <agentId>',
          exitCode.usage,
        );
      }
      chosen = candidates[0];
    }
    const agent = build(chosen!);
    await agent.start();
    const others = configs.filter((config) => config !== chosen).map(build);
    return { agent, store, others: [agent, ...others], close };
  } catch (error) {
    await close();
    if (StewardError.isInstance(error)) throw new CliError(error.message);
    throw error;
  }
}

/** An agent of the registry (`--tenant` and `--agent`), when it is not in the config file. */
async function fromRegistry(
  store: StewardStore,
  tenantId: string | undefined,
  agentId: string,
): Promise<AgentConfig> {
  if (tenantId === undefined) {
    throw new CliError(
      `there is no agent "${agentId}" in the config; for an agent of the fleet registry give --tenant <tenantId> too`,
    );
  }
  const registry = new Registry(store, { changes: discardChanges });
  const effective = await registry.resolveAgentConfig(tenantId, agentId).catch((error: unknown) => {
    if (StewardError.isInstance(error) && error.code === 'not-found') return undefined;
    throw error;
  });
  if (!effective) throw new CliError(`there is no agent "${agentId}" in tenant "${tenantId}"`);
  return effective.config;
}

async function openSharedStore(first: AgentConfig, io: CliIo): Promise<StewardStore> {
  const configured = first.store;
  if (isStore(configured)) return configured;
  try {
    return await openStore(configured ?? {}, io.env);
  } catch (error) {
    if (StewardError.isInstance(error)) throw new CliError(error.message);
    throw error;
  }
}

function isStore(value: AgentConfig['store']): value is StewardStore {
  return value !== undefined && 'interactions' in value;
}

/** Operator actions never run a model; an agent built here only needs a runtime to exist. */
const placeholderRuntime: AgentRuntime = {
  name: 'none',
  simulatedModel: false,
  run: () => Promise.reject(new StewardError('internal', 'steward operator commands do not run models')),
  stats: () => ({ running: 0, queued: 0, limit: 0 }),
  close: async () => {},
};
