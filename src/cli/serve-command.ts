/** `steward serve`: load the agents, share one store and one runtime, serve HTTP until SIGTERM/SIGINT. */
import { join } from 'node:path';
import type { AgentConfig } from '../agent/index.js';
import { ClaudeAgent } from '../agent/index.js';
import { Audit, type AuditRetention } from '../audit/index.js';
import { InvalidConfigError, StewardError } from '../errors/index.js';
import {
  AgentHost,
  type AppliedAgent,
  applyConfigFile,
  applyHeapGrowth,
  Registry,
  registryAgentSource,
  TenantRateLimiter,
} from '../fleet/index.js';
import type { AgentRuntime, RuntimeIsolation } from '../runtime/index.js';
import { createDefaultRuntime, createSimulatedRuntime } from '../runtime/index.js';
import {
  type AgentDirectory,
  createApp,
  createMetrics,
  defaultMessagesPerMinute,
  fixedAgentDirectory,
  hostAgentDirectory,
  type RunningServer,
  type StewardMetrics,
  startServer,
} from '../server/index.js';
import type { StewardStore } from '../store/index.js';
import { dataDirectoryOf, openStore } from '../store/index.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { loadAgentConfigs } from './load-config.js';
import { openServeAuth } from './serve-auth.js';
import { openServeChannels } from './serve-channels.js';

export interface ServeOptions {
  configPath: string;
  host: string;
  port: number;
}

/** Runs the server and resolves with the exit code once it has shut down after SIGTERM or SIGINT. */
export async function serveCommand(options: ServeOptions, io: CliIo): Promise<number> {
  const configs = await loadAgentConfigs(options.configPath, io.cwd);
  checkAgents(configs, options.configPath);
  const bodyLimitBytes = bodyLimitFrom(io.env);

  // Closed in reverse order when startup fails; after startup, the server's shutdown closes them.
  const opened: Array<() => Promise<void>> = [];
  const closeOpened = async () => {
    for (const close of opened.reverse()) await close().catch(() => {});
  };
  let server: RunningServer;
  let retentionTimer: NodeJS.Timeout | undefined;
  let shutdownSignal: Promise<void> | undefined;
  let registryAudit: Audit | undefined;
  let retentionAudit: Audit | undefined;
  let stopChannelWorker: (() => Promise<void>) | undefined;
  let channels: Awaited<ReturnType<typeof openServeChannels>>;
  const ownRuntimes: AgentRuntime[] = [];
  try {
    const store = await openSharedStore(configs[0]!, io);
    opened.push(() => store.close());
    const auth = await openServeAuth(store, options.host, io);
    opened.push(() => auth.close());
    const metrics = createMetrics();
    const runtime = configs.every((config) => config.runtime)
      ? undefined
      : await createSharedRuntime(metrics, io, dataDirectoryOf(store));
    if (runtime) opened.push(() => runtime.close());
    // The file's agents go into the registry; the server then builds agents from the registry on their
    // first message (an LRU), so a config changed through the API or on another instance takes effect.
    const audit = new Audit(store, {});
    registryAudit = audit;
    opened.push(() => audit.close());
    const registry = new Registry(store, { audit });
    const applied = await applyToRegistry(registry, configs, options.configPath, io);
    const served = runtime && applied ? 'registry' : 'file';
    let directory: AgentDirectory;
    let fileAgents: Array<{ tenantId: string; agentId: string }>;
    if (served === 'registry') {
      // The host churns through agents: bound how far garbage may grow between full collections.
      applyHeapGrowth(io.env);
      const source = registryAgentSource(registry);
      const host = new AgentHost({
        source,
        store,
        runtime: runtime!,
        maxAgents: positiveFromEnv(io.env, 'STEWARD_MAX_LIVE_AGENTS') ?? 1_000,
        onBuilt: (agent) => metrics.trackAgent(agent),
      });
      directory = hostAgentDirectory({ host, source, registry });
      opened.push(() => host.close());
      fileAgents = applied!.agents.map(({ tenantId, agentId }) => ({ tenantId, agentId }));
    } else {
      // A config with its own runtime (a TypeScript file's object), or a registry that refused the file:
      // the file's agents are served as they are, as a fixed list.
      const agents = configs.map((config) => {
        const own = config.runtime;
        if (own) {
          ownRuntimes.push(own);
          opened.push(() => own.close());
          metrics.trackRuntime(own);
        }
        return new ClaudeAgent({ ...config, store, runtime: config.runtime ?? runtime });
      });
      for (const agent of agents) await agent.start();
      for (const agent of agents) metrics.trackAgent(agent);
      directory = fixedAgentDirectory(agents);
      opened.push(() => directory.close());
      fileAgents = agents.map(({ tenantId, agentId }) => ({ tenantId, agentId }));
    }
    channels = await openServeChannels({
      configs,
      store,
      directory,
      env: io.env,
      onError: (error) => io.error(`steward: channels: ${describe(error)}`),
    });
    const openChannels = channels;
    if (openChannels) opened.push(() => openChannels.close());
    const app = createApp({
      ...(channels ? { channels: channels.routes } : {}),
      directory,
      store,
      runtime,
      metrics,
      registry,
      authenticator: auth.authenticator,
      keys: auth.keys,
      resources: auth.resources,
      ...(bodyLimitBytes === undefined ? {} : { bodyLimitBytes }),
      rateLimiter: new TenantRateLimiter({
        perMinute: positiveFromEnv(io.env, 'STEWARD_MESSAGES_PER_MINUTE') ?? defaultMessagesPerMinute,
      }),
    });
    server = await startServer({ app, host: options.host, port: options.port }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      const hint = code === 'EADDRINUSE' ? '; pick another with --port (0 picks a free one)' : '';
      throw new CliError(
        `cannot listen on ${options.host}:${options.port}: ${(error as Error).message}${hint}`,
      );
    });
    if (channels) {
      stopChannelWorker = channels.startWorker((error) =>
        io.error(`steward: channel worker: ${describe(error)}`),
      );
      opened.push(() => stopChannelWorker!());
    }
    // The file's agents, built now: their description and warnings for the banner.
    const descriptions: Array<Awaited<ReturnType<ClaudeAgent['describe']>>> = [];
    const warnings: string[] = [];
    for (const { tenantId, agentId } of fileAgents) {
      await directory.use(tenantId, agentId, async (agent) => {
        descriptions.push(await agent.describe());
        warnings.push(...(await agent.warnings()));
      });
    }
    const isolation = await runtime?.isolation?.();
    for (const warning of store.warnings) io.error(`steward: warning: ${warning}`);
    for (const warning of warnings) io.error(`steward: warning: ${warning}`);
    const retention = await startAuditRetention(store, configs, io);
    retentionTimer = retention?.timer;
    retentionAudit = retention?.audit;
    if (retention) opened.push(() => retention.audit.close());
    // One write, so a reader that waits for the listening line also gets the rest.
    const lines = [
      `steward listening on ${server.url}`,
      `  store: ${store.engine} ${store.location}`,
      `  model: ${runtime ? (runtime.simulatedModel ? 'LOCAL SIMULATED MODEL (not Claude)' : 'Claude, through the Claude Agent SDK') : 'runtimes from the config'}`,
      `  auth: ${auth.banner}`,
      ...(applied ? [applied.line] : []),
      ...(channels ? [channels.line] : []),
      `  agents: ${served === 'registry' ? 'built from the registry on their first message (an LRU of live agents)' : "the config file's, as a fixed list"}`,
      ...(isolation ? [`  tools: each agent in its own workspace folder; ${describeShell(isolation)}`] : []),
    ];
    for (const description of descriptions) {
      const notBuilt = description.stages
        .filter((stage) => stage.status === 'not-built')
        .map((stage) => stage.name);
      lines.push(
        `  agent ${description.agentId} (tenant ${description.tenantId}): chain ${description.chain.join(' > ') || '(none)'}; ` +
          `POST ${server.url}/api/tenants/${description.tenantId}/agents/${description.agentId}/messages` +
          (notBuilt.length > 0 ? `; configured but not built yet: ${notBuilt.join(', ')}` : ''),
      );
    }
    // Listening for SIGTERM before saying so: a supervisor may stop the server as soon as it reads the banner.
    shutdownSignal = waitForShutdownSignal(io);
    io.out(lines.join('\n'));
  } catch (error) {
    await closeOpened();
    throw asCliError(error);
  }

  await shutdownSignal;
  if (retentionTimer) clearInterval(retentionTimer);
  try {
    // No new mail is taken; the worker finishes the messages in hand while the agents and the store are still open.
    await channels?.close();
    await stopChannelWorker?.();
    // Released before the store closes with the server (the agents' audits keep the shared log open till then).
    await registryAudit?.close();
    await retentionAudit?.close();
    await server.close();
    for (const runtime of ownRuntimes) await runtime.close();
  } catch (error) {
    io.error(`steward: shutdown did not finish cleanly: ${describe(error)}`);
    return exitCode.failure;
  }
  io.out('steward stopped');
  return exitCode.ok;
}

/** Each config must build a ClaudeAgent, and agentIds must be unique (the HTTP routes use them). */
function checkAgents(configs: AgentConfig[], configPath: string): void {
  const seen = new Map<string, number>();
  configs.forEach((config, index) => {
    let agent: ClaudeAgent;
    try {
      agent = new ClaudeAgent(config);
    } catch (error) {
      const which = configs.length > 1 ? ` (agent ${index + 1} of ${configs.length})` : '';
      throw new CliError(`${configPath}${which}: ${describe(error)}`);
    }
    const first = seen.get(agent.agentId);
    if (first !== undefined) {
      throw new CliError(
        `${configPath}: agents ${first + 1} and ${index + 1} both have agentId "${agent.agentId}"; ` +
          'give each agent its own agentId (it names the agent in the URL and in every record)',
      );
    }
    seen.set(agent.agentId, index);
  });
}

/** Applies the config file to the registry; a failure is a warning, and the file's agents are served as they are. */
async function applyToRegistry(
  registry: Registry,
  configs: AgentConfig[],
  configPath: string,
  io: CliIo,
): Promise<{ line: string; agents: AppliedAgent[] } | undefined> {
  try {
    const { agents } = await applyConfigFile(registry, configs, `serve:${configPath}`.slice(0, 256));
    const changed = agents.filter((agent) => agent.outcome !== 'unchanged').length;
    return {
      line: `  registry: ${agents.length} agent${agents.length === 1 ? '' : 's'} from the config, ${changed} changed`,
      agents,
    };
  } catch (error) {
    io.error(`steward: warning: the registry was not updated from ${configPath}: ${describe(error)}`);
    return undefined;
  }
}

async function openSharedStore(first: AgentConfig, io: CliIo): Promise<StewardStore> {
  const configured = first.store;
  if (configured && 'interactions' in configured) return configured;
  return openStore(configured ?? {}, io.env);
}

/** The startup line on the agents' shell: sandboxed, or what happens without a sandbox. */
function describeShell(isolation: RuntimeIsolation): string {
  const why = isolation.reason ? ` (${isolation.reason})` : '';
  switch (isolation.shell) {
    case 'sandboxed':
      return `shell sandboxed (${isolation.sandbox})`;
    case 'not-offered':
      return `no shell tools: the sandbox cannot run here${why}; install bubblewrap and socat`;
    case 'runs-refused':
      return `EVERY RUN FAILS: the sandbox is required and cannot run here${why}`;
    case 'unconfined':
      return "shell UNCONFINED (sandbox: 'off')";
  }
}

/** `STEWARD_BODY_LIMIT_BYTES`: the largest request body the API accepts (default 1 MiB). */
function bodyLimitFrom(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.STEWARD_BODY_LIMIT_BYTES?.trim();
  if (!text) return undefined;
  const bytes = Number(text);
  if (!Number.isInteger(bytes) || bytes < 1) {
    throw new CliError(`STEWARD_BODY_LIMIT_BYTES must be a whole number of bytes >= 1, received "${text}"`);
  }
  return bytes;
}

/** One runtime for every agent: the concurrency limit is per host. Its runs and workspaces live beside the store. */
async function createSharedRuntime(
  metrics: StewardMetrics,
  io: CliIo,
  dataDirectory: string,
): Promise<AgentRuntime> {
  const options = {
    env: io.env,
    onQueueWait: metrics.observeQueueWait,
    runsDirectory: join(dataDirectory, 'runs'),
    workspacesDirectory: join(dataDirectory, 'workspaces'),
  };
  if (io.env.ANTHROPIC_API_KEY) return createDefaultRuntime(options);
  const runtime = await createSimulatedRuntime(options);
  for (const line of simulatedModelBanner) io.error(line);
  return runtime;
}

const simulatedModelBanner = [
  '',
  '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
  '!!  LOCAL SIMULATED MODEL: replies do NOT come from Claude.',
  '!!  ANTHROPIC_API_KEY is not set, so the agents run the real Claude Agent SDK',
  '!!  against a scripted stand-in for the Messages API on 127.0.0.1. Every reply',
  '!!  and record is marked simulatedModel: true.',
  '!!  To use Claude: set ANTHROPIC_API_KEY and restart, e.g.',
  '!!      ANTHROPIC_API_KEY=sk-ant-... steward serve',
  '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
  '',
];

/** Resolves on the first SIGTERM or SIGINT; a second one exits at once. */
function waitForShutdownSignal(io: CliIo): Promise<void> {
  // A stray rejection (e.g. from a child process) must not take the whole server down.
  process.on('unhandledRejection', (reason) => io.error(`steward: unhandled rejection: ${describe(reason)}`));
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      io.out(`steward: ${signal} received, finishing in-flight requests (again to force exit)`);
      const force = (again: NodeJS.Signals) => {
        io.error(`steward: ${again} received again, exiting without finishing`);
        process.exit(exitCode.failure);
      };
      process.once('SIGTERM', force);
      process.once('SIGINT', force);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** Our own errors become one clear message; anything else is a bug, so it keeps its stack. */
function asCliError(error: unknown): unknown {
  if (error instanceof CliError) return error;
  if (InvalidConfigError.isInstance(error) || StewardError.isInstance(error))
    return new CliError(error.message);
  return error;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How often `steward serve` archives and purges audit records past their retention. */
const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Prints the audit log's setup warnings and runs retention now and hourly, on an Audit of its own with
 * the first config's `audit` section that has `retention` (every agent on the server shares one store and
 * one audit log; agents come and go with the LRU, so retention does not ride on one of them).
 */
async function startAuditRetention(
  store: StewardStore,
  configs: AgentConfig[],
  io: CliIo,
): Promise<{ timer: NodeJS.Timeout; audit: Audit } | undefined> {
  const config = configs.find((candidate) => candidate.audit?.retention)?.audit;
  if (!config) return undefined;
  const audit = new Audit(store, config);
  for (const warning of audit.log.warnings) io.error(`steward: warning: ${warning}`);
  const retention: AuditRetention | undefined = audit.retention();
  if (!retention) {
    await audit.close();
    return undefined;
  }
  const run = () =>
    retention
      .run()
      .then((results) => {
        const purged = results.reduce((sum, result) => sum + result.purgedRecords, 0);
        const archived = results.reduce((sum, result) => sum + result.archived.length, 0);
        if (purged + archived > 0)
          io.out(`steward: audit retention archived ${archived} segments, purged ${purged} records`);
      })
      .catch((error: unknown) => io.error(`steward: audit retention failed: ${describe(error)}`));
  void run();
  const timer = setInterval(run, RETENTION_INTERVAL_MS);
  timer.unref();
  return { timer, audit };
}

/** A whole number >= 1 from the environment, or undefined when unset. */
function positiveFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new CliError(`${name} must be a whole number >= 1, received "${text}"`);
  }
  return value;
}
