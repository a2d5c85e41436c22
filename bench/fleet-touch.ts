/**
 * Many tenants through a bounded LRU: each of N distinct tenants sends one message (answered by the
 * in-process model) through an `AgentHost` keeping at most `liveAgents` live, so nearly every touch builds
 * an agent and evicts the least recently used. Memory should stay flat: RSS sampled throughout, heap
 * compared after full GCs, and the built agents still reachable counted (evicted ones must be collected).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { AgentHost } from '../src/fleet/index.js';
import type { AgentRuntime } from '../src/runtime/index.js';
import type { StewardStore } from '../src/store/index.js';
import { FLEET_AGENT_ID, fleetTenantId } from './fleet-generate.js';
import { ReachabilityCounter, retainedMemory, sampleMemory } from './fleet-memory.js';
import { timedRegistrySource } from './fleet-source.js';
import { type LatencySummary, summarise } from './stats.js';

export interface TouchFigures {
  /** The process that touched (the bench runs it in one of its own). */
  pid: number;
  touches: number;
  liveAgentsBound: number;
  /** Touches in flight at once. */
  inFlight: number;
  liveAtEnd: number;
  perTouch: LatencySummary;
  /** Process CPU time per touch (ms), the cost whatever else the machine runs. */
  cpuMsPerTouch: number;
  seconds: number;
  rssStartMb: number;
  /** When the LRU first held its bound of live agents: from here on, RSS should stay flat. */
  rssFullMb: number | undefined;
  /** RSS at each tenth of the touches (flatness at a glance). */
  rssTrailMb: number[];
  rssEndMb: number;
  rssPeakMb: number;
  /** Heap after a full GC, before the first touch and after the last (the host still open). */
  heapStartMb: number;
  heapEndMb: number;
  agentsBuilt: number;
  /** Built agents the GC could not collect with the host open (should be about the live count) … */
  reachableOpen: number;
  /** … and after the host closed (should be about zero). */
  reachableClosed: number;
}

export interface TouchSizes {
  tenants: number;
  touches: number;
  liveAgents: number;
  /** Touches in flight at once (default 1). */
  touchConcurrency?: number;
  maxLoopMs: number;
}

/** Distinct tenants in a scattered order: k ↦ (start + k·stride) mod n, stride coprime with n. */
export function scatteredTenants(tenants: number, count: number, start = 7): number[] {
  let stride = 7_919;
  while (gcd(stride, tenants) !== 1) stride += 2;
  const picked: number[] = [];
  for (let index = 0; index < Math.min(count, tenants); index++) {
    picked.push(1 + ((start + index * stride) % tenants));
  }
  return picked;
}

export async function benchTouches(
  store: StewardStore,
  runtime: AgentRuntime,
  sizes: TouchSizes,
): Promise<TouchFigures> {
  const reachability = new ReachabilityCounter();
  const host = new AgentHost({
    source: timedRegistrySource(store),
    store,
    runtime,
    maxAgents: sizes.liveAgents,
    onBuilt: (agent) => reachability.track(agent),
  });
  const tenants = scatteredTenants(sizes.tenants, sizes.touches);
  const sampleEvery = Math.max(1, Math.floor(tenants.length / 200));
  const start = await retainedMemory();
  let rssPeakMb = start.rssMb;
  let rssFullMb: number | undefined;
  const rssTrailMb: number[] = [];
  const tenth = Math.max(1, Math.floor(tenants.length / 10));
  const samples: number[] = [];
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let cpuMsPerTouch: number;
  let reachableOpen: number;
  let heapEndMb: number;
  let rssEndMb: number;
  let liveAtEnd: number;
  let seconds: number;
  try {
    let next = 0;
    let touched = 0;
    const touchNext = async (): Promise<void> => {
      while (next < tenants.length && performance.now() - started <= sizes.maxLoopMs) {
        const index = next++;
        const before = performance.now();
        await host.use(fleetTenantId(tenants[index]!), FLEET_AGENT_ID, (agent) =>
          agent.handle({ text: `Do you deliver to street ${index}?`, channel: 'web' }),
        );
        samples.push(performance.now() - before);
        touched++;
        if (touched % sampleEvery === 0) rssPeakMb = Math.max(rssPeakMb, sampleMemory().rssMb);
        if (rssFullMb === undefined && host.size >= sizes.liveAgents) rssFullMb = sampleMemory().rssMb;
        if (touched % tenth === 0) {
          rssTrailMb.push(Math.round(sampleMemory().rssMb));
          if (process.env.STEWARD_BENCH_FLEET_MEMORY_DETAIL === '1') console.error(memoryDetail(touched));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, sizes.touchConcurrency ?? 1) }, touchNext));
    seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    cpuMsPerTouch = (cpu.user + cpu.system) / 1000 / Math.max(1, samples.length);
    rssEndMb = sampleMemory().rssMb;
    rssPeakMb = Math.max(rssPeakMb, rssEndMb);
    liveAtEnd = host.size;
    reachableOpen = (await reachability.reachable()).reachable;
    heapEndMb = (await retainedMemory()).heapUsedMb;
  } finally {
    await host.close();
  }
  const closed = await reachability.reachable();
  return {
    pid: process.pid,
    touches: samples.length,
    liveAgentsBound: sizes.liveAgents,
    inFlight: Math.max(1, sizes.touchConcurrency ?? 1),
    liveAtEnd,
    perTouch: summarise(samples),
    cpuMsPerTouch,
    seconds,
    rssStartMb: start.rssMb,
    rssFullMb,
    rssTrailMb,
    rssEndMb,
    rssPeakMb,
    heapStartMb: start.heapUsedMb,
    heapEndMb,
    agentsBuilt: closed.tracked,
    reachableOpen,
    reachableClosed: closed.reachable,
  };
}

/** Where the RSS is at this moment (STEWARD_BENCH_FLEET_MEMORY_DETAIL=1 writes it to stderr each tenth). */
function memoryDetail(touches: number): string {
  const usage = process.memoryUsage();
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  return `[touch ${touches}] rss ${mb(usage.rss)} heapUsed ${mb(usage.heapUsed)} heapTotal ${mb(usage.heapTotal)} external ${mb(usage.external)} arrayBuffers ${mb(usage.arrayBuffers)} MB${residentKinds()}`;
}

/** Linux: the resident set split into anonymous memory, file pages and shared memory (e.g. SQLite's -shm). */
function residentKinds(): string {
  try {
    const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
    const mb = (value: number) => (value / 1024).toFixed(0);
    return ` (anon ${mb(kb('Pss_Anon'))} file ${mb(kb('Pss_File'))} shmem ${mb(kb('Pss_Shmem'))} MB)`;
  } catch {
    return '';
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
