/**
 * The pipeline's own overhead: ClaudeAgent.handle with an in-process runtime that answers instantly,
 * so what is measured is validation, events, the interaction write and the reply, on each engine.
 * `bare` runs no primitive; `composed` runs every built one (trust, cache, patterns, daily budget, cost
 * rollups, audit with PII masking), each message a distinct request so every one reaches the model tier.
 */
import { performance } from 'node:perf_hooks';
import { ClaudeAgent } from '../src/agent/index.js';
import { FunctionRuntime } from '../src/runtime/function/index.js';
import type { StewardStore } from '../src/store/index.js';
import { formatMs, printTable, summarise } from './stats.js';

export type PipelineVariant = 'bare' | 'composed';

export interface PipelineFigures {
  engine: string;
  variant: PipelineVariant;
  sequentialPerSecond: number;
  concurrentPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const WARMUP = 300;
const SEQUENTIAL = 3_000;
const CONCURRENT = 3_000;
/** The composed pipeline does durable trust, budget, cost and audit writes per message: fewer rounds. */
const COMPOSED_ROUNDS = 1_000;
const CONCURRENCY = 16;
/** Every loop also stops at this wall-clock bound. */
const MAX_MS = 30_000;

/** Every built primitive on, as an operator would configure them. */
const composedConfig = {
  trust: {
    initial: 0.5,
    rules: [{ metric: 'success_rate' as const, threshold: 0.95, action: 'increment' as const, amount: 0.1 }],
    permissions: { 0.1: ['Read'], 0.5: ['Read', 'Write'], 0.9: ['*'] },
  },
  optimization: {
    enableCache: true,
    cacheRules: [{ pattern: 'greeting', ttl: 86_400, response: 'Hello! How can I help?' }],
    patterns: { autoDetect: true, minFrequency: 10, confidence: 0.9 },
    budget: { daily: 1_000_000, perRequest: 1 },
    fallback: ['cache' as const, 'pattern' as const, 'intelligent' as const],
  },
  audit: { enabled: true, level: 'detailed' as const, compliance: { piiDetection: true } },
};

export async function benchPipeline(
  store: StewardStore,
  variant: PipelineVariant = 'bare',
): Promise<PipelineFigures> {
  const runtime = new FunctionRuntime(async (request) => `echo: ${request.prompt}`, { simulatedModel: true });
  const agent = new ClaudeAgent({
    tenantId: 'bench',
    agentId: `pipeline-${variant}-${store.engine}`,
    store,
    runtime,
    ...(variant === 'composed' ? composedConfig : {}),
  });
  await agent.start();
  const message = (index: number) =>
    variant === 'composed'
      ? { text: `Is order ${index} ready for pickup on day ${index % 7}?`, channel: 'web' }
      : { text: `What time do you open on day ${index % 7}?`, channel: 'web' };

  for (let index = 0; index < WARMUP; index++) await agent.handle(message(index));

  const samples: number[] = [];
  const sequentialStart = performance.now();
  const rounds = variant === 'composed' ? COMPOSED_ROUNDS : SEQUENTIAL;
  for (let index = 0; index < rounds && performance.now() - sequentialStart < MAX_MS; index++) {
    const started = performance.now();
    await agent.handle(message(index));
    samples.push(performance.now() - started);
  }
  const sequentialSeconds = (performance.now() - sequentialStart) / 1000;

  let issued = 0;
  const concurrentStart = performance.now();
  const worker = async () => {
    while (
      issued < (variant === 'composed' ? COMPOSED_ROUNDS : CONCURRENT) &&
      performance.now() - concurrentStart < MAX_MS
    ) {
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
    variant,
    sequentialPerSecond: samples.length / sequentialSeconds,
    concurrentPerSecond: issued / concurrentSeconds,
    p50Ms: summary.p50,
    p99Ms: summary.p99,
  };
}

export function printPipeline(figures: PipelineFigures[]): void {
  printTable(
    `Pipeline overhead per interaction (in-process runtime answering instantly; bare: ${SEQUENTIAL} sequential, ${CONCURRENT} at concurrency ${CONCURRENCY}; composed: ${COMPOSED_ROUNDS} each). Target on SQLite, bare: p99 <= 1 ms`,
    figures.map((figure) => ({
      engine: figure.engine,
      variant: figure.variant,
      'sequential/s': Math.round(figure.sequentialPerSecond),
      [`concurrent(${CONCURRENCY})/s`]: Math.round(figure.concurrentPerSecond),
      p50: formatMs(figure.p50Ms),
      p99: formatMs(figure.p99Ms),
      'p99 <= 1 ms':
        figure.engine === 'sqlite' && figure.variant === 'bare' ? (figure.p99Ms <= 1 ? 'yes' : 'NO') : '-',
    })),
  );
}
