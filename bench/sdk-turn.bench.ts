/**
 * One real Claude Agent SDK turn (SDK + bundled CLI child) against the local simulated model:
 * what the runtime itself costs, cold (first run of a fresh runtime) and warm (later runs).
 */
import { performance } from 'node:perf_hooks';
import { createSimulatedRuntime } from '../src/runtime/default-runtime.js';
import { formatMs, printTable, summarise } from './stats.js';

const WARM_RUNS = 5;

export interface SdkTurnFigures {
  coldMs: number;
  warm: ReturnType<typeof summarise>;
  firstEventMs: number;
}

export async function benchSdkTurn(): Promise<SdkTurnFigures> {
  const runtime = await createSimulatedRuntime({ concurrency: 1 });
  try {
    const turn = async (index: number) => {
      const started = performance.now();
      let firstEventMs = Number.NaN;
      await runtime.run({
        tenantId: 'bench',
        agentId: 'sdk-turn',
        interactionId: `bench-${index}`,
        prompt: `hello ${index}`,
        tools: [],
        onEvent: () => {
          if (Number.isNaN(firstEventMs)) firstEventMs = performance.now() - started;
        },
      });
      return { totalMs: performance.now() - started, firstEventMs };
    };
    const cold = await turn(0);
    const warm: number[] = [];
    for (let index = 1; index <= WARM_RUNS; index++) warm.push((await turn(index)).totalMs);
    return { coldMs: cold.totalMs, warm: summarise(warm), firstEventMs: cold.firstEventMs };
  } finally {
    await runtime.close();
  }
}

export function printSdkTurn(figures: SdkTurnFigures): void {
  printTable('One real SDK turn (SDK + CLI child) against the local simulated model', [
    {
      run: 'cold (first)',
      'time to result': formatMs(figures.coldMs),
      'first event': formatMs(figures.firstEventMs),
    },
    {
      run: `warm p50 of ${figures.warm.count}`,
      'time to result': formatMs(figures.warm.p50),
      'first event': '-',
    },
    {
      run: `warm max of ${figures.warm.count}`,
      'time to result': formatMs(figures.warm.max),
      'first event': '-',
    },
  ]);
}
