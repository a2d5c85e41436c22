/**
 * The turns of one conversation through the real SDK and CLI against the local simulated model (which
 * answers at once, so every millisecond is the runtime's own): each turn a new CLI child resuming from the
 * store (warm sessions off), against turns after the first on the conversation's live child (warm sessions
 * on), with the resident memory of a warm session's child.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClaudeAgentSdkRuntime } from '../src/runtime/index.js';
import { startSimulatedModel } from '../src/simulator/index.js';
import { openStore } from '../src/store/index.js';
import { formatMs, type LatencySummary, printTable, summarise } from './stats.js';

/** Turns per conversation; turns 2..n are the ones measured. */
const TURNS = Number(process.env.BENCH_SDK_TURNS ?? 8);
/** Conversations kept warm at once, for the memory per warm session. */
const WARM_CONVERSATIONS = 2;

interface ModeFigures {
  firstTurnMs: number;
  laterTurns: LatencySummary;
}

export interface SdkTurnFigures {
  cold: ModeFigures;
  warm: ModeFigures;
  /** Resident memory of one warm session's CLI child (and its tools), in MiB. */
  residentMbPerWarmSession: number;
  warmSessionsLive: number;
  loadAverage: string;
}

export async function benchSdkTurn(): Promise<SdkTurnFigures> {
  const directory = await mkdtemp(join(tmpdir(), 'steward-bench-sdk-'));
  const model = await startSimulatedModel({
    respond: (_request, context) => ({ text: `Noted: ${context.lastUserText}` }),
  });
  const store = await openStore({ path: join(directory, 'steward.db') }, {});
  const runtimeOptions = {
    baseUrl: model.url,
    simulatedModel: true,
    runsDirectory: join(directory, 'runs'),
    workspacesDirectory: join(directory, 'workspaces'),
    concurrency: 1,
  };
  const cold = new ClaudeAgentSdkRuntime(runtimeOptions);
  const warm = new ClaudeAgentSdkRuntime({ ...runtimeOptions, warmSessions: {} });
  try {
    const conversation = async (runtime: ClaudeAgentSdkRuntime, conversationId: string) => {
      const durations: number[] = [];
      let sessionId: string | undefined;
      for (let turn = 1; turn <= TURNS; turn++) {
        const started = performance.now();
        const result = await runtime.run({
          tenantId: 'bench',
          agentId: 'sdk-turn',
          interactionId: `${conversationId}-${turn}`,
          conversationId,
          prompt: `message ${turn}`,
          tools: [],
          sessions: store.sessions.forAgent('bench', 'sdk-turn'),
          ...(sessionId ? { resumeSessionId: sessionId } : {}),
        });
        durations.push(performance.now() - started);
        if (result.isError) throw new Error(`turn ${turn} failed: ${result.errorMessage}`);
        sessionId = result.sessionId;
      }
      return { firstTurnMs: durations[0]!, laterTurns: summarise(durations.slice(1)) };
    };
    const coldFigures = await conversation(cold, 'cold-1');
    const warmFigures = await conversation(warm, 'warm-1');
    for (let index = 2; index <= WARM_CONVERSATIONS; index++) await conversation(warm, `warm-${index}`);
    const pool = warm.warmSessionStats();
    return {
      cold: coldFigures,
      warm: warmFigures,
      residentMbPerWarmSession: pool && pool.live > 0 ? pool.residentMb / pool.live : Number.NaN,
      warmSessionsLive: pool?.live ?? 0,
      loadAverage: loadavg()
        .map((value) => value.toFixed(2))
        .join(' '),
    };
  } finally {
    await cold.close();
    await warm.close();
    await store.close();
    await model.close();
    await rm(directory, { recursive: true, force: true });
  }
}

export function printSdkTurn(figures: SdkTurnFigures): void {
  const row = (name: string, mode: ModeFigures) => ({
    mode: name,
    'turn 1': formatMs(mode.firstTurnMs),
    [`turns 2..${TURNS} p50`]: formatMs(mode.laterTurns.p50),
    [`turns 2..${TURNS} p99`]: formatMs(mode.laterTurns.p99),
  });
  printTable(
    `The turns of one conversation, real SDK + CLI against the simulated model (answers at once); load average ${figures.loadAverage}`,
    [row('cold (a CLI child per turn)', figures.cold), row('warm sessions', figures.warm)],
  );
  console.log(
    `memory per warm session (CLI child RSS, Linux /proc): ${figures.residentMbPerWarmSession.toFixed(0)} MiB, ` +
      `${figures.warmSessionsLive} sessions live`,
  );
}
