/**
 * `npm run bench fleet [-- --quick]`: a fleet of 1,000,000 tenants with one agent each, bulk-generated
 * into the registry, served through `AgentHost` with the registry as its source and an in-process runtime
 * that answers at once. Measures a cold load (registry read + template merge + ClaudeAgent build and
 * start), the warm per-message overhead of a live agent, API key checks and cross-instance revocation,
 * and memory while 100,000 distinct tenants pass through an LRU of 1,000 live agents.
 */
import { performance } from 'node:perf_hooks';
import { AgentHost } from '../src/fleet/index.js';
import type { StewardStore, StoreConfig } from '../src/store/index.js';
import {
  FLEET_AGENT_ID,
  fleetTenantId,
  type GenerationFigures,
  GREETING,
  generateFleet,
} from './fleet-generate.js';
import { benchKeyRevocation, type RevocationFigures } from './fleet-keys.js';
import { instantRuntime } from './fleet-runtime.js';
import { timedRegistrySource } from './fleet-source.js';
import type { TouchFigures } from './fleet-touch.js';
import { touchInOwnProcess } from './fleet-touch-process.js';
import { benchKeyChecks, type KeyCheckFigures } from './keys.bench.js';
import { type LatencySummary, summarise } from './stats.js';

export interface FleetSizes {
  /** Tenants generated, one agent each. */
  tenants: number;
  /** Distinct tenants loaded cold (after a few unmeasured ones). */
  coldLoads: number;
  /** Live agents the warm messages go round. */
  warmAgents: number;
  /** Warm samples per path. */
  warmMessages: number;
  /** Distinct tenants touched through the LRU (0: skip). */
  touches: number;
  /** The LRU's bound while touching. */
  liveAgents: number;
  /** Touches in flight at once, as a server sees many tenants' messages at a time (default 1). */
  touchConcurrency: number;
  /** API keys created for the key checks, and checks measured. */
  keys: number;
  keyChecks: number;
  /** Each measured loop stops at this wall-clock bound … */
  maxLoopMs: number;
  /** … except touching, which stops at this one. */
  maxTouchMs: number;
}

export const fullSizes: FleetSizes = {
  tenants: 1_000_000,
  coldLoads: 1_000,
  warmAgents: 100,
  warmMessages: 5_000,
  touches: 100_000,
  liveAgents: 1_000,
  touchConcurrency: 1,
  keys: 1_000,
  keyChecks: 100_000,
  maxLoopMs: 5 * 60_000,
  maxTouchMs: 25 * 60_000,
};

/** `--quick` or STEWARD_BENCH_QUICK=1: a run of well under a minute. */
export const quickSizes: FleetSizes = {
  tenants: 10_000,
  coldLoads: 100,
  warmAgents: 20,
  warmMessages: 300,
  touches: 600,
  liveAgents: 200,
  touchConcurrency: 1,
  keys: 100,
  keyChecks: 10_000,
  maxLoopMs: 8_000,
  maxTouchMs: 10_000,
};

/**
 * The sizes of this run: full, or quick with `--quick` / STEWARD_BENCH_QUICK=1; STEWARD_BENCH_FLEET_TENANTS
 * and STEWARD_BENCH_FLEET_TOUCHES override those two counts, STEWARD_BENCH_FLEET_TOUCH_MINUTES the time
 * bound of each engine's touches, STEWARD_BENCH_FLEET_TOUCH_CONCURRENCY how many touches are in flight.
 */
export function fleetSizes(argv: readonly string[], env: NodeJS.ProcessEnv): FleetSizes {
  const quick = argv.includes('--quick') || env.STEWARD_BENCH_QUICK === '1';
  const sizes = { ...(quick ? quickSizes : fullSizes) };
  const count = (name: string) => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const parsed = Number(value.replaceAll('_', ''));
    if (!Number.isInteger(parsed) || parsed < 0)
      throw new Error(`${name} must be a whole number, got "${value}"`);
    return parsed;
  };
  sizes.tenants = Math.max(1, count('STEWARD_BENCH_FLEET_TENANTS') ?? sizes.tenants);
  sizes.touches = count('STEWARD_BENCH_FLEET_TOUCHES') ?? sizes.touches;
  sizes.touchConcurrency = Math.max(
    1,
    count('STEWARD_BENCH_FLEET_TOUCH_CONCURRENCY') ?? sizes.touchConcurrency,
  );
  const touchMinutes = count('STEWARD_BENCH_FLEET_TOUCH_MINUTES');
  if (touchMinutes !== undefined) sizes.maxTouchMs = touchMinutes * 60_000;
  return sizes;
}

export interface ColdFigures {
  loads: number;
  registryRead: LatencySummary;
  buildAndStart: LatencySummary;
  total: LatencySummary;
}

export type WarmPath = 'host lookup' | 'cache answer' | 'model answer';

export interface WarmFigures {
  path: WarmPath;
  latency: LatencySummary;
  /** How many replies came from the tier the path expects (the rest are a bench error). */
  expectedTier: number;
  /** Process CPU time per sample (ms): what the path costs, unlike wall time, whatever else the machine runs. */
  cpuMsMean: number;
}

export interface FleetFigures {
  engine: string;
  generation: GenerationFigures;
  cold: ColdFigures;
  warm: WarmFigures[];
  keys: KeyCheckFigures;
  revocation: RevocationFigures;
  touch: TouchFigures | undefined;
}

/** A deterministic pseudo-random sequence (mulberry32), so runs pick the same tenants. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Generates the fleet on `store` and runs every measurement; `openAnother` opens a second instance on the
 * same database (revocation across instances). Touching runs when `sizes.touches > 0`, in a process of
 * its own on `location` (the same database), so its memory is the host's alone.
 */
export async function benchFleet(
  store: StewardStore,
  openAnother: () => Promise<StewardStore>,
  sizes: FleetSizes,
  location: StoreConfig,
): Promise<FleetFigures> {
  const progress = (phase: string) =>
    console.error(`[fleet ${store.engine}] ${new Date().toISOString().slice(11, 19)} ${phase}`);
  progress(`generating ${sizes.tenants.toLocaleString('en-US')} tenants`);
  const generation = await generateFleet(store, sizes.tenants);
  progress(`generated in ${generation.seconds.toFixed(1)} s; cold loads`);
  const runtime = instantRuntime();
  try {
    const source = timedRegistrySource(store);
    const host = new AgentHost({
      source,
      store,
      runtime,
      maxAgents: Math.max(sizes.liveAgents, sizes.warmAgents),
    });
    let cold: ColdFigures;
    let warm: WarmFigures[];
    try {
      const random = seededRandom(12);
      const loaded = await coldLoads(host, source, sizes, random);
      cold = loaded.figures;
      progress('warm messages');
      warm = await warmMessages(host, loaded.tenants.slice(-sizes.warmAgents), sizes);
    } finally {
      await host.close();
    }
    progress('key checks');
    const keys = await benchKeyChecks(store, { keys: sizes.keys, checks: sizes.keyChecks });
    const revocation = await benchKeyRevocation(store, await openAnother());
    if (sizes.touches > 0) {
      progress(
        `touching ${sizes.touches.toLocaleString('en-US')} tenants (compiled, in a process of its own)`,
      );
    }
    const touch =
      sizes.touches > 0
        ? await touchInOwnProcess(location, { ...sizes, maxLoopMs: sizes.maxTouchMs })
        : undefined;
    return { engine: store.engine, generation, cold, warm, keys, revocation, touch };
  } finally {
    await runtime.close();
  }
}

const UNMEASURED_COLD_LOADS = 20;

async function coldLoads(
  host: AgentHost,
  source: ReturnType<typeof timedRegistrySource>,
  sizes: FleetSizes,
  random: () => number,
): Promise<{ figures: ColdFigures; tenants: string[] }> {
  const wanted = Math.min(sizes.tenants, sizes.coldLoads + UNMEASURED_COLD_LOADS);
  const picked = new Set<number>();
  while (picked.size < wanted) picked.add(1 + Math.floor(random() * sizes.tenants));
  const tenants = [...picked].map(fleetTenantId);
  const reads: number[] = [];
  const builds: number[] = [];
  const totals: number[] = [];
  const started = performance.now();
  for (const [index, tenantId] of tenants.entries()) {
    if (performance.now() - started > sizes.maxLoopMs) break;
    const before = performance.now();
    await host.use(tenantId, FLEET_AGENT_ID, async () => undefined);
    const total = performance.now() - before;
    if (index < Math.min(UNMEASURED_COLD_LOADS, wanted - 1)) continue;
    totals.push(total);
    reads.push(source.lastResolveMs);
    builds.push(total - source.lastResolveMs);
  }
  return {
    figures: {
      loads: totals.length,
      registryRead: summarise(reads),
      buildAndStart: summarise(builds),
      total: summarise(totals),
    },
    tenants,
  };
}

/**
 * Messages to live agents, the three paths interleaved: the host alone (LRU hit, version recheck every
 * 2 s per agent), a greeting answered by the template's cache rule, a distinct question answered by the
 * in-process model. Every live agent takes one message of each kind first.
 */
async function warmMessages(host: AgentHost, tenants: string[], sizes: FleetSizes): Promise<WarmFigures[]> {
  const question = (index: number) => ({ text: `Is order ${index} ready for pickup?`, channel: 'web' });
  const greeting = { text: GREETING, channel: 'web' };
  for (const tenantId of tenants) {
    await host.use(tenantId, FLEET_AGENT_ID, async (agent) => {
      await agent.handle(greeting);
      await agent.handle({ text: `Which cakes does ${tenantId} sell?`, channel: 'web' });
    });
  }
  const paths: Array<{
    path: WarmPath;
    tier: string | undefined;
    samples: number[];
    expected: number;
    cpuMicroseconds: number;
  }> = [
    { path: 'host lookup', tier: undefined, samples: [], expected: 0, cpuMicroseconds: 0 },
    { path: 'cache answer', tier: 'cache', samples: [], expected: 0, cpuMicroseconds: 0 },
    { path: 'model answer', tier: 'intelligent', samples: [], expected: 0, cpuMicroseconds: 0 },
  ];
  const started = performance.now();
  for (let index = 0; index < sizes.warmMessages; index++) {
    if (performance.now() - started > sizes.maxLoopMs) break;
    const tenantId = tenants[index % tenants.length]!;
    for (const entry of paths) {
      const cpuBefore = process.cpuUsage();
      const before = performance.now();
      const tier = await host.use(tenantId, FLEET_AGENT_ID, async (agent) => {
        if (entry.path === 'host lookup') return undefined;
        const reply = await agent.handle(entry.path === 'cache answer' ? greeting : question(index));
        return reply.tier;
      });
      entry.samples.push(performance.now() - before);
      const cpu = process.cpuUsage(cpuBefore);
      entry.cpuMicroseconds += cpu.user + cpu.system;
      if (tier === entry.tier) entry.expected++;
    }
  }
  return paths.map((entry) => ({
    path: entry.path,
    latency: summarise(entry.samples),
    expectedTier: entry.expected,
    cpuMsMean: entry.cpuMicroseconds / 1000 / Math.max(1, entry.samples.length),
  }));
}
