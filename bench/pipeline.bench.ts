/**
 * The pipeline's own overhead: ClaudeAgent.handle with an in-process runtime that answers instantly,
 * so what is measured is validation, events, the interaction write and the reply, on each engine.
 */
import { performance } from 'node:perf_hooks';
import { ClaudeAgent } from '../src/agent/index.js';
import { FunctionRuntime } from '../src/runtime/function/index.js';
import type { StewardStore } from '../src/store/index.js';
import { formatMs, printTable, summarise } from './stats.js';

export interface PipelineFigures {
  engine: string;
  sequentialPerSecond: number;
  concurrentPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const WARMUP = 300;
const SEQUENTIAL = 3_000;
const CONCURRENT = 3_000;
const CONCURRENCY = 16;
/** Every loop also stops at this wall-clock bound. */
const MAX_MS = 30_000;

export async function benchPipeline(store: StewardStore): Promise<PipelineFigures> {
  const runtime = new FunctionRuntime(async (request) => `echo: ${request.prompt}`, { simulatedModel: true });
  const agent = new ClaudeAgent({ tenantId: 'bench', agentId: `pipeline-${store.engine}`, store, runtime });
  await agent.start();
  const message = (index: number) => ({ text: `What time do you open on day ${index % 7}?`, channel: 'web' });

  for (let index = 0; index < WARMUP; index++) await agent.handle(message(index));

  const samples: number[] = [];
  const sequentialStart = performance.now();
  for (let index = 0; index < SEQUENTIAL && performance.now() - sequentialStart < MAX_MS; index++) {
    const started = performance.now();
    await agent.handle(message(index));
    samples.push(performance.now() - started);
  }
  const sequentialSeconds = (performance.now() - sequentialStart) / 1000;

  let issued = 0;
  const concurrentStart = performance.now();
  const worker = async () => {
    while (issued < CONCURRENT && performance.now() - concurrentStart < MAX_MS) {
      issued++;
      await agent.handle(message(issued));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const concurrentSeconds = (performance.now() - concurrentStart) / 1000;
  await agent.close();

  const summary = summarise(samples);
  return {
    engine: store.engine,
    sequentialPerSecond: samples.length / sequentialSeconds,
    concurrentPerSecond: issued / concurrentSeconds,
    p50Ms: summary.p50,
    p99Ms: summary.p99,
  };
}

export function printPipeline(figures: PipelineFigures[]): void {
  printTable(
    `Pipeline overhead per interaction (in-process runtime answering instantly; ${SEQUENTIAL} sequential, ${CONCURRENT} at concurrency ${CONCURRENCY}). Target on SQLite: p99 <= 1 ms`,
    figures.map((figure) => ({
      engine: figure.engine,
      'sequential/s': Math.round(figure.sequentialPerSecond),
      [`concurrent(${CONCURRENCY})/s`]: Math.round(figure.concurrentPerSecond),
      p50: formatMs(figure.p50Ms),
      p99: formatMs(figure.p99Ms),
      'p99 <= 1 ms': figure.engine === 'sqlite' ? (figure.p99Ms <= 1 ? 'yes' : 'NO') : '-',
    })),
  );
}
