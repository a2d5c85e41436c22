/** The runtimes ClaudeAgent and `steward serve` build when none is passed: Claude, or the local simulated model. */
import { StewardError } from '../errors/index.js';
import { type SimulatedResponder, startSimulatedModel } from '../simulator/index.js';
import type { ClaudeAgentSdkRuntimeOptions } from './claude-sdk/index.js';
import { ClaudeAgentSdkRuntime } from './claude-sdk/index.js';
import type { AgentRuntime, SandboxMode } from './types.js';

export interface DefaultRuntimeOptions {
  env?: NodeJS.ProcessEnv;
  /** Runs at once on this host; default `STEWARD_CONCURRENCY` or 4. */
  concurrency?: number;
  onQueueWait?: (waitMs: number) => void;
  /** Where each run's private folder is made; default `./.steward/runs` (see ClaudeAgentSdkRuntimeOptions). */
  runsDirectory?: string;
  /** Where each agent's workspace is made; default `./.steward/workspaces` (see ClaudeAgentSdkRuntimeOptions). */
  workspacesDirectory?: string;
  /** The shell sandbox: `'if-available'` (default), `'required'` or `'off'` (see ClaudeAgentSdkRuntimeOptions). */
  sandbox?: SandboxMode;
  /**
   * Warm sessions (see ClaudeAgentSdkRuntimeOptions); default from `STEWARD_WARM_SESSIONS` (the most live
   * sessions, 0 or unset: off), `STEWARD_WARM_IDLE_MS` and `STEWARD_WARM_MEMORY_MB`.
   */
  warmSessions?: ClaudeAgentSdkRuntimeOptions['warmSessions'];
}

/** Warm sessions as the options or the environment ask; undefined: off. */
export function warmSessionsFrom(
  options: DefaultRuntimeOptions,
  env: NodeJS.ProcessEnv,
): ClaudeAgentSdkRuntimeOptions['warmSessions'] {
  if (options.warmSessions !== undefined) return options.warmSessions;
  const max = wholeNumberFrom(env, 'STEWARD_WARM_SESSIONS', 0);
  if (max === undefined || max === 0) return undefined;
  const idleMs = wholeNumberFrom(env, 'STEWARD_WARM_IDLE_MS', 1);
  const memoryBudgetMb = wholeNumberFrom(env, 'STEWARD_WARM_MEMORY_MB', 1);
  return {
    max,
    ...(idleMs === undefined ? {} : { idleMs }),
    ...(memoryBudgetMb === undefined ? {} : { memoryBudgetMb }),
  };
}

function wholeNumberFrom(env: NodeJS.ProcessEnv, name: string, minimum: number): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const parsed = Number(text);
  if (!Number.isInteger(parsed) || parsed < minimum) {
    throw new StewardError(
      'invalid-config',
      `${name} must be a whole number >= ${minimum}, received "${text}"`,
    );
  }
  return parsed;
}

/** The options both runtimes pass on as they are. */
function folderOptions(options: DefaultRuntimeOptions, env: NodeJS.ProcessEnv) {
  const warmSessions = warmSessionsFrom(options, env);
  return {
    ...(warmSessions ? { warmSessions } : {}),
    ...(options.onQueueWait ? { onQueueWait: options.onQueueWait } : {}),
    ...(options.runsDirectory ? { runsDirectory: options.runsDirectory } : {}),
    ...(options.workspacesDirectory ? { workspacesDirectory: options.workspacesDirectory } : {}),
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
  };
}

function concurrencyFrom(options: DefaultRuntimeOptions, env: NodeJS.ProcessEnv): number | undefined {
  if (options.concurrency !== undefined) return options.concurrency;
  const fromEnv = env.STEWARD_CONCURRENCY;
  if (fromEnv === undefined || fromEnv === '') return undefined;
  const parsed = Number(fromEnv);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new StewardError(
      'invalid-config',
      `STEWARD_CONCURRENCY must be a whole number >= 1, received "${fromEnv}"`,
    );
  }
  return parsed;
}

/**
 * The real Claude Agent SDK runtime, with `ANTHROPIC_API_KEY` (and `ANTHROPIC_BASE_URL` when set).
 * Throws `invalid-config` without a key, saying how to get one or how to run offline.
 */
export function createDefaultRuntime(options: DefaultRuntimeOptions = {}): AgentRuntime {
  const env = options.env ?? process.env;
  if (!env.ANTHROPIC_API_KEY) {
    throw new StewardError(
      'invalid-config',
      'No model is configured. Set ANTHROPIC_API_KEY to use Claude, pass `runtime` to ClaudeAgent ' +
        '(e.g. new ClaudeAgentSdkRuntime({...})), or use createSimulatedRuntime() / `steward serve` without a key ' +
        'to run against the local simulated model.',
    );
  }
  const concurrency = concurrencyFrom(options, env);
  return new ClaudeAgentSdkRuntime({
    apiKey: env.ANTHROPIC_API_KEY,
    ...(env.ANTHROPIC_BASE_URL ? { baseUrl: env.ANTHROPIC_BASE_URL } : {}),
    simulatedModel: false,
    ...(concurrency === undefined ? {} : { concurrency }),
    ...folderOptions(options, env),
  });
}

export interface SimulatedRuntimeOptions extends DefaultRuntimeOptions {
  /** Scripts the simulated model; default: the demo responder (plainly marked as simulated). */
  respond?: SimulatedResponder;
}

/**
 * The real SDK and CLI against the local simulated Messages API on 127.0.0.1: no network, no key,
 * every result marked `simulatedModel: true`. Closing the runtime stops the simulator.
 *
 * @example
 * const runtime = await createSimulatedRuntime();
 * const agent = new ClaudeAgent({ runtime });
 */
export async function createSimulatedRuntime(options: SimulatedRuntimeOptions = {}): Promise<AgentRuntime> {
  const env = options.env ?? process.env;
  const concurrency = concurrencyFrom(options, env);
  const model = await startSimulatedModel(options.respond ? { respond: options.respond } : {});
  const runtime = new ClaudeAgentSdkRuntime({
    baseUrl: model.url,
    simulatedModel: true,
    ...(concurrency === undefined ? {} : { concurrency }),
    ...folderOptions(options, env),
  });
  return {
    name: runtime.name,
    simulatedModel: true,
    callsAdmit: runtime.callsAdmit,
    run: (request) => runtime.run(request),
    stats: () => runtime.stats(),
    isolation: () => runtime.isolation(),
    async close() {
      await runtime.close();
      await model.close();
    },
  };
}
