/**
 * Budget reservations + settlements per second: each pair is two write transactions (the conditional
 * reservation, then the settle that swaps it for the actual cost), sequential and with 8 concurrent callers,
 * on one agent (one hot row, the worst case) and spread over 8 agents.
 */
import { performance } from 'node:perf_hooks';
import { BudgetService } from '../src/optimize/budget/index.js';
import type { StewardStore } from '../src/store/index.js';
import { formatMs, printTable, summarise } from './stats.js';

const PAIRS = 2_000;
const CONCURRENCY = 8;
const MAX_MS = 30_000;

export interface BudgetFigures {
  engine: string;
  sequentialPerSecond: number;
  concurrentOneAgentPerSecond: number;
  concurrentEightAgentsPerSecond: number;
  /** Latency of one reserve + settle pair, sequential. */
  p50Ms: number;
  p99Ms: number;
}

export async function benchBudget(store: StewardStore): Promise<BudgetFigures> {
  // A budget far above what the bench spends: every reservation is granted, so each pair does full work.
  const budget = new BudgetService(store, { daily: 1_000_000, alertThreshold: 0.8 });
  let counter = 0;
  const pair = async (agentId: string) => {
    const interactionId = `bench-${++counter}`;
    const reservation = await budget.reserve(
      { tenantId: 'bench', agentId },
      { interactionId, amountUsd: 0.5 },
    );
    await budget.settle(reservation, 0.012099);
  };

  const samples: number[] = [];
  const sequentialStart = performance.now();
  for (let index = 0; index < PAIRS && performance.now() - sequentialStart < MAX_MS; index++) {
    const started = performance.now();
    await pair(`seq-${store.engine}`);
    samples.push(performance.now() - started);
  }
  const sequentialSeconds = (performance.now() - sequentialStart) / 1000;

  const concurrent = async (agentFor: (worker: number) => string) => {
    let issued = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        while (issued < PAIRS && performance.now() - start < MAX_MS) {
          issued++;
          await pair(agentFor(worker));
        }
      }),
    );
    return issued / ((performance.now() - start) / 1000);
  };
  const concurrentOneAgentPerSecond = await concurrent(() => 'hot');
  const concurrentEightAgentsPerSecond = await concurrent((worker) => `agent-${worker}`);
  const summary = summarise(samples);
  return {
    engine: store.engine,
    sequentialPerSecond: samples.length / sequentialSeconds,
    concurrentOneAgentPerSecond,
    concurrentEightAgentsPerSecond,
    p50Ms: summary.p50,
    p99Ms: summary.p99,
  };
}

export function printBudget(figures: BudgetFigures[]): void {
  printTable(
    `Budget reserve + settle pairs per second (two write transactions each; up to ${PAIRS} per run, ${CONCURRENCY} concurrent callers)`,
    figures.map((figure) => ({
      engine: figure.engine,
      'sequential/s': Math.round(figure.sequentialPerSecond),
      [`concurrent(${CONCURRENCY}), 1 agent/s`]: Math.round(figure.concurrentOneAgentPerSecond),
      [`concurrent(${CONCURRENCY}), 8 agents/s`]: Math.round(figure.concurrentEightAgentsPerSecond),
      'pair p50': formatMs(figure.p50Ms),
      'pair p99': formatMs(figure.p99Ms),
    })),
  );
}
