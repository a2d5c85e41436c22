/**
 * A cache hit in process: `ClaudeAgent.handle({ text: 'hello' })` on the example agent (audit on, PII masking,
 * alerts, trust, budget) with the greeting rule the HTTP bench adds, no HTTP in front. It prints the CPU this
 * process spends per hit (user + system, every thread, from `process.cpuUsage`) at 50 hits in flight and one at
 * a time, with hits per second and the sequential p50/p99. On PostgreSQL the server's own CPU is in its process
 * and not counted. Run to run this moves by about ±2% on an idle machine (the HTTP bench's figures by ±8%), so
 * it is the one to judge a change to the pipeline, the audit log or the store by.
 */
import { performance } from 'node:perf_hooks';
import { ClaudeAgent } from '../src/agent/index.js';
import { FunctionRuntime } from '../src/runtime/function/index.js';
import type { StewardStore } from '../src/store/index.js';
import { formatMs, printTable, summarise } from './stats.js';

export interface CacheHitFigures {
  engine: string;
  concurrentPerSecond: number;
  concurrentCpuMicros: number;
  sequentialPerSecond: number;
  sequentialCpuMicros: number;
  p50Ms: number;
  p99Ms: number;
}

const WARMUP = 2_000;
const CONCURRENT = 20_000;
const CONCURRENCY = 50;
const SEQUENTIAL = 3_000;
/** Every loop also stops at this wall-clock bound. */
const MAX_MS = 30_000;

export async function benchCacheHit(store: StewardStore): Promise<CacheHitFigures> {
  const example = (await import('../examples/steward.config.js')).default;
  const agent = new ClaudeAgent({
    ...example,
    tenantId: 'bench-cache-hit',
    agentId: `front-desk-${store.engine}`,
    store,
    // Never asked: every message is a hit of the greeting rule.
    runtime: new FunctionRuntime(async () => 'not a cache hit', { simulatedModel: true }),
    optimization: {
      ...example.optimization,
      cacheRules: [
        { pattern: 'greeting', ttl: 86_400, response: 'Hello! How can I help?' },
        ...(example.optimization?.cacheRules ?? []),
      ],
    },
  });
  await agent.start();
  const hit = async () => {
    const reply = await agent.handle({ text: 'hello' });
    if (reply.tier !== 'cache') throw new Error(`expected a cache hit, the ${reply.tier} tier answered`);
  };

  const concurrent = async (count: number) => {
    let issued = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (issued < count && performance.now() - started < MAX_MS) {
          issued++;
          await hit();
        }
      }),
    );
    return { count: issued, seconds: (performance.now() - started) / 1000 };
  };

  await concurrent(WARMUP);
  const loadCpu = process.cpuUsage();
  const load = await concurrent(CONCURRENT);
  const loadUsage = process.cpuUsage(loadCpu);

  const samples: number[] = [];
  const sequentialCpu = process.cpuUsage();
  const sequentialStart = performance.now();
  for (let index = 0; index < SEQUENTIAL && performance.now() - sequentialStart < MAX_MS; index++) {
    const started = performance.now();
    await hit();
    samples.push(performance.now() - started);
  }
  const sequentialSeconds = (performance.now() - sequentialStart) / 1000;
  const sequentialUsage = process.cpuUsage(sequentialCpu);
  await agent.close();

  const summary = summarise(samples);
  return {
    engine: store.engine,
    concurrentPerSecond: load.count / load.seconds,
    concurrentCpuMicros: (loadUsage.user + loadUsage.system) / load.count,
    sequentialPerSecond: samples.length / sequentialSeconds,
    sequentialCpuMicros: (sequentialUsage.user + sequentialUsage.system) / samples.length,
    p50Ms: summary.p50,
    p99Ms: summary.p99,
  };
}

export function printCacheHit(figures: CacheHitFigures[]): void {
  printTable(
    `A cache hit in process (ClaudeAgent.handle, the example agent with audit on and a greeting rule; ${CONCURRENT} hits ${CONCURRENCY} at a time after ${WARMUP} warm-up, then ${SEQUENTIAL} one at a time). CPU: this process's, every thread`,
    figures.map((figure) => ({
      engine: figure.engine,
      [`hits/s (${CONCURRENCY} at once)`]: Math.round(figure.concurrentPerSecond),
      [`CPU µs/hit (${CONCURRENCY} at once)`]: Math.round(figure.concurrentCpuMicros),
      'hits/s (one at a time)': Math.round(figure.sequentialPerSecond),
      'CPU µs/hit (one at a time)': Math.round(figure.sequentialCpuMicros),
      p50: formatMs(figure.p50Ms),
      p99: formatMs(figure.p99Ms),
    })),
  );
}
