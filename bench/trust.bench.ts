/** Trust outcome recordings per second: each one is a locked read-evaluate-write of the agent's trust state. */
import { performance } from 'node:perf_hooks';
import type { StewardStore } from '../src/store/index.js';
import { trustConfigSchema } from '../src/trust/config.js';
import { TrustService } from '../src/trust/trust-service.js';
import { formatMs, printTable, summarise } from './stats.js';

const RECORDINGS = 2_000;
const CONCURRENCY = 8;
const MAX_MS = 30_000;

export interface TrustRecordingFigures {
  engine: string;
  sequentialPerSecond: number;
  concurrentPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export async function benchTrustRecordings(store: StewardStore): Promise<TrustRecordingFigures> {
  const config = trustConfigSchema.parse({
    initial: 0.3,
    rules: [
      { metric: 'success_rate', threshold: 0.95, action: 'increment', amount: 0.1 },
      { metric: 'error_rate', threshold: 0.1, action: 'decrement', amount: 0.2 },
    ],
    permissions: {
      0.1: ['Read'],
      0.3: ['Read', 'mcp__slack__*'],
      0.5: ['Read', 'Write', 'mcp__*'],
      0.9: ['*'],
    },
  });
  const trust = new TrustService(store, config);
  const record = (agentId: string, index: number) =>
    trust.recordOutcome(
      { tenantId: 'bench', agentId },
      {
        interactionId: `${agentId}-${index}`,
        kind: index % 25 === 0 ? 'error' : 'success',
        denied: false,
        escalations: 0,
        latencyMs: 5,
        costUsd: 0.01,
      },
    );

  const samples: number[] = [];
  const sequentialStart = performance.now();
  for (let index = 0; index < RECORDINGS && performance.now() - sequentialStart < MAX_MS; index++) {
    const started = performance.now();
    await record(`seq-${store.engine}`, index);
    samples.push(performance.now() - started);
  }
  const sequentialSeconds = (performance.now() - sequentialStart) / 1000;

  // Concurrent writers on distinct agents (one row lock each) and on one agent (serialised by its lock).
  let issued = 0;
  const concurrentStart = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (issued < RECORDINGS && performance.now() - concurrentStart < MAX_MS) {
        issued++;
        await record(`agent-${worker % 4}`, issued);
      }
    }),
  );
  const concurrentSeconds = (performance.now() - concurrentStart) / 1000;
  const summary = summarise(samples);
  return {
    engine: store.engine,
    sequentialPerSecond: samples.length / sequentialSeconds,
    concurrentPerSecond: issued / concurrentSeconds,
    p50Ms: summary.p50,
    p99Ms: summary.p99,
  };
}

export function printTrustRecordings(figures: TrustRecordingFigures[]): void {
  printTable(
    `Trust outcome recordings (locked read-evaluate-write; ${RECORDINGS} sequential, ${CONCURRENCY} concurrent writers over 4 agents)`,
    figures.map((figure) => ({
      engine: figure.engine,
      'sequential/s': Math.round(figure.sequentialPerSecond),
      [`concurrent(${CONCURRENCY})/s`]: Math.round(figure.concurrentPerSecond),
      p50: formatMs(figure.p50Ms),
      p99: formatMs(figure.p99Ms),
    })),
  );
}
