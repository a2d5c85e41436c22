/**
 * `npm run bench http`: a cache hit through `steward serve` side by side with the Portkey gateway proxying
 * to a fake instant Anthropic upstream, and the upstream alone (issue 15). Every server runs in a process
 * of its own on 127.0.0.1, the load client in another; the figures are the table and its ratios.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadRequest, LoadResult } from './http-load.js';
import {
  type Child,
  cpuSeconds,
  ensureBuild,
  ensurePortkey,
  freePort,
  loopbackPreload,
  portkeyVersion,
  repositoryRoot,
  residentMiB,
  sampleResident,
  startChild,
  stopAll,
  waitUntilReady,
} from './http-processes.js';
import {
  formatCpuPerRequest,
  formatHttpTable,
  formatVerdicts,
  type HttpBenchSettings,
  type PathFigures,
  type PathName,
  pathLabels,
  upstreamMarker,
  verdicts,
} from './http-report.js';
import { summarise } from './stats.js';

/** One path under test: where to send, what, and how to know a reply is the right one. */
interface Target {
  path: PathName;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The server process whose RSS is measured (none for the upstream alone). */
  server?: Child;
  /** Throws when a reply is not what the path must return (not 200, not from the upstream, not a hit). */
  check(status: number, body: string): void;
}

export interface HttpBenchResult {
  figures: PathFigures[];
  /** How each server ran, for the printout. */
  notes: string[];
}

const messagesBody = JSON.stringify({
  model: 'claude-bench-instant',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hello' }],
});

const greetingRule = { pattern: 'greeting', ttl: 86_400, response: 'Hello! How can I help?' };

/** Starts the three servers, measures each path in turn, and stops every child whatever happens. */
export async function benchHttp(settings: HttpBenchSettings): Promise<HttpBenchResult> {
  const workDirectory = mkdtempSync(join(tmpdir(), 'steward-bench-http-'));
  // Also when SIGINT ends the run by process.exit (after its children are stopped), skipping `finally`.
  const removeWorkDirectory = () => rmSync(workDirectory, { recursive: true, force: true });
  process.once('exit', removeWorkDirectory);
  try {
    ensureBuild();
    const portkeyScript = ensurePortkey();
    const upstreamPort = await freePort();
    const upstream = startChild(
      'the fake upstream',
      process.execPath,
      ['--import', 'tsx', join(repositoryRoot, 'bench', 'http-upstream.ts'), String(upstreamPort)],
      { cwd: repositoryRoot, env: process.env },
    );
    const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
    const direct: Target = {
      path: 'direct',
      url: `${upstreamUrl}/v1/messages`,
      headers: {
        'content-type': 'application/json',
        'x-api-key': 'sk-bench',
        'anthropic-version': '2023-06-01',
      },
      body: messagesBody,
      check: expectUpstreamReply,
    };
    await waitUntilReady(upstream, () => answers(direct), 20_000);

    const portkeyPort = await freePort();
    const portkey = startChild(
      `Portkey ${portkeyVersion}`,
      process.execPath,
      ['--import', loopbackPreload(), portkeyScript, `--port=${portkeyPort}`, '--headless'],
      { cwd: dirname(portkeyScript), env: process.env },
    );
    const viaPortkey: Target = {
      path: 'portkey',
      url: `http://127.0.0.1:${portkeyPort}/v1/messages`,
      headers: {
        ...direct.headers,
        'x-portkey-provider': 'anthropic',
        'x-portkey-custom-host': `${upstreamUrl}/v1`,
      },
      body: messagesBody,
      server: portkey,
      check: expectUpstreamReply,
    };
    await waitUntilReady(portkey, () => answers(viaPortkey), 60_000);

    const { configFile, tenantId, agentId } = await stewardConfig(settings, workDirectory);
    const stewardPort = await freePort();
    const profileFlags =
      settings.cpuProfileDirectory === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfileDirectory}`];
    const steward = startChild(
      'steward serve',
      process.execPath,
      [
        ...profileFlags,
        join(repositoryRoot, 'bin', 'steward.js'),
        'serve',
        '--config',
        configFile,
        '--port',
        String(stewardPort),
      ],
      { cwd: workDirectory, env: stewardEnvironment() },
    );
    const viaSteward: Target = {
      path: 'steward',
      url: `http://127.0.0.1:${stewardPort}/api/tenants/${tenantId}/agents/${agentId}/messages`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
      server: steward,
      check: expectCacheHit,
    };
    await waitUntilReady(steward, async () => steward.output().includes('steward listening on'), 120_000);
    await answers(viaSteward);

    const targets = [direct, viaPortkey, viaSteward];
    console.error('[http] sequential latency, the paths interleaved');
    const sequential = await measureSequential(targets, settings);
    const figures: PathFigures[] = [];
    for (const [index, target] of targets.entries()) {
      console.error(`[http] load on ${pathLabels[target.path]}`);
      figures.push({ ...sequential[index]!, ...(await measureLoad(target, settings)) });
    }
    return {
      figures,
      notes: [
        `fake upstream: node (own process), pid ${upstream.pid}`,
        `Portkey: @portkey-ai/gateway@${portkeyVersion} build/start-server.js --headless (own process), pid ${portkey.pid}`,
        `steward: node bin/steward.js serve on the compiled dist/ (as npm start runs it), config ${configFile}, pid ${steward.pid}` +
          (settings.cpuProfileDirectory ? `, --cpu-prof into ${settings.cpuProfileDirectory}` : ''),
        `load client: autocannon in its own process, ${settings.connections} connections, ${settings.loadSeconds} s per path`,
      ],
    };
  } finally {
    await stopAll();
    removeWorkDirectory();
    process.off('exit', removeWorkDirectory);
  }
}

/**
 * Each path warmed up, its server's idle RSS read, then the sequential requests sent to the paths in
 * turn (one to each, round after round), so a spell of load from elsewhere on the machine falls on every
 * path alike instead of on whichever was being measured then.
 */
async function measureSequential(
  targets: readonly Target[],
  settings: HttpBenchSettings,
): Promise<Array<Pick<PathFigures, 'path' | 'sequential' | 'rssIdleMiB'>>> {
  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    const idle: Array<number | undefined> = [];
    for (const [index, target] of targets.entries()) {
      for (let count = 0; count < settings.warmupRequests; count += 1)
        await send(target, agents[index]!, true);
      idle.push(target.server ? residentMiB(target.server.pid) : undefined);
    }
    const samples: number[][] = targets.map(() => []);
    for (let round = 0; round < settings.sequentialRequests; round += 1) {
      for (const [index, target] of targets.entries()) {
        const started = process.hrtime.bigint();
        await send(target, agents[index]!, false);
        samples[index]!.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
    return targets.map((target, index) => ({
      path: target.path,
      sequential: summarise(samples[index]!),
      ...(idle[index] === undefined ? {} : { rssIdleMiB: idle[index] }),
    }));
  } finally {
    for (const agent of agents) agent.destroy();
  }
}

/** The autocannon run on one path, its server's RSS sampled under it; then one reply checked again. */
async function measureLoad(
  target: Target,
  settings: HttpBenchSettings,
): Promise<
  Pick<PathFigures, 'requestsPerSecond' | 'failures' | 'failureKinds' | 'rssPeakMiB' | 'cpuPerRequestUs'>
> {
  const stopSampling = target.server ? sampleResident(target.server.pid) : () => undefined;
  const cpuBefore = target.server ? cpuSeconds(target.server.pid) : undefined;
  const load = await runLoad({
    url: target.url,
    headers: target.headers,
    body: target.body,
    connections: settings.connections,
    seconds: settings.loadSeconds,
  });
  const rssPeakMiB = stopSampling();
  const cpuAfter = target.server ? cpuSeconds(target.server.pid) : undefined;
  const cpuPerRequestUs =
    cpuBefore === undefined || cpuAfter === undefined || load.total === 0
      ? undefined
      : ((cpuAfter - cpuBefore) * 1e6) / load.total;
  // Still the right answer after the load (still a hit, still through to the upstream).
  await answers(target);
  return {
    requestsPerSecond: load.requestsPerSecond,
    failures: load.failures,
    failureKinds: load.failureKinds,
    ...(rssPeakMiB === undefined ? {} : { rssPeakMiB }),
    ...(cpuPerRequestUs === undefined ? {} : { cpuPerRequestUs }),
  };
}

/** One request; `checked` reads and checks the body (the timed ones only drain it). */
function send(target: Target, agent: Agent, checked: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      target.url,
      {
        method: 'POST',
        agent,
        headers: { ...target.headers, 'content-length': Buffer.byteLength(target.body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          try {
            if (checked) target.check(status, Buffer.concat(chunks).toString('utf8'));
            else if (status !== 200) throw new Error(`${pathLabels[target.path]} answered ${status}`);
            resolve();
          } catch (error) {
            reject(error);
          }
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(target.body);
  });
}

async function answers(target: Target): Promise<boolean> {
  const agent = new Agent({ keepAlive: false });
  try {
    await send(target, agent, true);
    return true;
  } finally {
    agent.destroy();
  }
}

function expectUpstreamReply(status: number, body: string): void {
  if (status !== 200 || !body.includes(upstreamMarker)) {
    throw new Error(`expected 200 with the fake upstream's reply, received ${status}: ${body.slice(0, 300)}`);
  }
}

function expectCacheHit(status: number, body: string): void {
  const reply = status === 200 ? (JSON.parse(body) as { tier?: string; costUsd?: number }) : undefined;
  if (!reply || (reply.tier !== 'cache' && reply.tier !== 'pattern') || (reply.costUsd ?? 0) !== 0) {
    throw new Error(
      `expected a cache or pattern hit (tier cache/pattern, no model cost), received ${status}: ${body.slice(0, 300)}`,
    );
  }
}

async function runLoad(load: LoadRequest): Promise<LoadResult> {
  const client = startChild(
    'the load client',
    process.execPath,
    ['--import', 'tsx', join(repositoryRoot, 'bench', 'http-load.ts'), JSON.stringify(load)],
    { cwd: repositoryRoot, env: process.env },
  );
  const code = await new Promise<number | null>((resolve) => client.process.once('exit', resolve));
  const last = client.output().trim().split('\n').at(-1);
  if (code !== 0 || !last)
    throw new Error(`autocannon failed (exit ${code}): ${client.output().slice(-2000)}`);
  return JSON.parse(last) as LoadResult;
}

/**
 * The environment `steward serve` gets: the bench's own, without settings that would change the agent,
 * and a per-tenant message limit no run reaches (the default 600 a minute would answer most of the load
 * with 429; the limiter still runs on every request).
 */
function stewardEnvironment(): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !name.startsWith('STEWARD_') && name !== 'ANTHROPIC_API_KEY',
      ),
    ),
    STEWARD_MESSAGES_PER_MINUTE: String(1_000_000_000),
  };
}

/**
 * The config steward serves: the one given, used as is, or the example agent (audit on) with a greeting
 * rule first in its cache rules, written as plain data into the bench's folder (its store lands there).
 */
async function stewardConfig(
  settings: HttpBenchSettings,
  workDirectory: string,
): Promise<{ configFile: string; tenantId: string; agentId: string }> {
  type AgentConfig = { tenantId?: string; agentId?: string; optimization?: { cacheRules?: unknown[] } };
  if (settings.stewardConfig !== undefined) {
    const loaded = (await import(pathToFileURL(settings.stewardConfig).href)) as { default: unknown };
    const first = (Array.isArray(loaded.default) ? loaded.default[0] : loaded.default) as AgentConfig;
    return {
      configFile: settings.stewardConfig,
      tenantId: first.tenantId ?? 'default',
      agentId: first.agentId ?? 'default',
    };
  }
  const example = (await import('../examples/steward.config.js')).default as AgentConfig;
  const config = {
    ...example,
    optimization: {
      ...example.optimization,
      cacheRules: [greetingRule, ...(example.optimization?.cacheRules ?? [])],
    },
  };
  const configFile = join(workDirectory, 'steward.config.mjs');
  writeFileSync(configFile, `export default ${JSON.stringify(config, null, 2)};\n`);
  return { configFile, tenantId: example.tenantId ?? 'default', agentId: example.agentId ?? 'default' };
}

export function printHttp(result: HttpBenchResult, settings: HttpBenchSettings, uptime: string): void {
  console.log('\nHTTP side by side: a cache hit through steward serve, Portkey, the upstream alone');
  for (const note of result.notes) console.log(`  ${note}`);
  console.log(
    `  sequential: ${settings.sequentialRequests} requests per path after ${settings.warmupRequests} warm-up, one keep-alive connection each, the paths interleaved`,
  );
  console.log('');
  console.log(formatHttpTable(result.figures, settings.connections));
  const cpu = formatCpuPerRequest(result.figures);
  if (cpu) console.log(cpu);
  for (const figure of result.figures) {
    if (figure.failures === 0) continue;
    const kinds = Object.entries(figure.failureKinds ?? {}).map(([kind, count]) => `${kind}: ${count}`);
    console.log(`  ${pathLabels[figure.path]}: ${figure.failures} failed under load (${kinds.join(', ')})`);
  }
  console.log('');
  console.log(formatVerdicts(verdicts(result.figures)));
  console.log(`uptime: ${uptime}`);
}
