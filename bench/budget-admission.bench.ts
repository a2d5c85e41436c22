/**
 * What the daily budget lets through: 200 concurrent messages through ClaudeAgent against `daily: 50`
 * (perRequest $1), each host running 4 model runs at a time, every run costing what a real CLI call costs
 * (2,546 input + 8,975 cache-read tokens of CLI overhead, the message, an answer of 50–4,096 tokens on
 * claude-opus-5-5). Phase one: 200 at once, far below the day: nothing may be refused. Phase two: waves of
 * 200 until the day is spent: spend must stay within the day. SQLite runs one app instance, PostgreSQL two
 * (two agents on two store connections to one database, each with its own concurrency limit).
 */
import { ClaudeAgent } from '../src/agent/index.js';
import { type BudgetTables, costOf } from '../src/optimize/index.js';
import {
  ConcurrencyLimiter,
  FunctionRuntime,
  type RuntimeRequest,
  type TokenUsage,
} from '../src/runtime/index.js';
import type { StewardStore } from '../src/store/index.js';
import { printTable } from './stats.js';

const DAILY_USD = 50;
const PER_REQUEST_USD = 1;
const CONCURRENT = 200;
const SLOTS_PER_HOST = 4;
const MODEL = 'claude-opus-5-5';
/** Phase two stops after this many messages, or this long, if the day is not spent by then. */
const MAX_MESSAGES = 12_000;
const MAX_MS = 120_000;

export interface BudgetAdmissionFigures {
  engine: string;
  instances: number;
  phase: string;
  messages: number;
  refused: number;
  spentUsd: number;
  /** The largest reservation ÷ that run's actual cost. */
  largestRatio: number;
  medianRatio: number;
  /** Runs that cost more than they reserved. */
  overruns: number;
  exhaustedAlerts: number;
}

/** A seeded generator (mulberry32), so every run of the bench draws the same costs. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Output tokens of a support answer: mostly short, some long, a few at the 4,096 cap. */
function outputTokens(random: () => number): number {
  const draw = random();
  if (draw < 0.8) return 50 + Math.floor(random() * 350);
  if (draw < 0.97) return 400 + Math.floor(random() * 1100);
  return 1500 + Math.floor(random() * 2597);
}

/** A host: its own concurrency limit, runs costing what the CLI reports for such a call. */
function simulatedHost(random: () => number): { runtime: FunctionRuntime; spent: () => number } {
  let spent = 0;
  const runtime = new FunctionRuntime(
    async (request: RuntimeRequest) => {
      await new Promise((resolve) => setTimeout(resolve, 2 + random() * 8));
      const usage: TokenUsage = {
        inputTokens: 2546 + Math.ceil(request.prompt.length / 4),
        cacheReadInputTokens: 8975,
        cacheCreationInputTokens: 0,
        outputTokens: outputTokens(random),
      };
      const costUsd = costOf(usage, MODEL);
      spent += costUsd;
      return { text: 'Here is what I found.', costUsd, usage };
    },
    { limiter: new ConcurrencyLimiter({ limit: SLOTS_PER_HOST, maxQueued: 10_000 }) },
  );
  return { runtime, spent: () => spent };
}

export async function benchBudgetAdmission(stores: StewardStore[]): Promise<BudgetAdmissionFigures[]> {
  const random = seededRandom(7);
  const agentId = `admission-${stores[0]!.engine}`;
  const hosts = stores.map(() => simulatedHost(random));
  let exhaustedAlerts = 0;
  const agents = stores.map((store, index) => {
    const agent = new ClaudeAgent({
      tenantId: 'bench',
      agentId,
      store,
      runtime: hosts[index]!.runtime,
      model: MODEL,
      optimization: { budget: { daily: DAILY_USD, perRequest: PER_REQUEST_USD }, fallback: ['intelligent'] },
    });
    agent.events.on('budget-exhausted', () => {
      exhaustedAlerts++;
    });
    return agent;
  });
  let sent = 0;
  const message = () => {
    sent++;
    // Questions of 40 to 2,000 characters.
    const words = 8 + Math.floor(random() * 390);
    return { text: `Question ${sent}: ${'about my order '.repeat(words / 3)}`.slice(0, 40 + words * 5) };
  };
  const wave = async () => {
    const replies = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, index) => agents[index % agents.length]!.handle(message())),
    );
    return replies.filter((reply) => reply.outcome === 'refused').length;
  };
  const figures = async (phase: string, messages: number, refused: number) => {
    const rows = await stores[0]!.db
      .withTables<BudgetTables>()
      .selectFrom('budget_reservations')
      .select(['amount_micro_usd', 'actual_micro_usd'])
      .where('agent_id', '=', agentId)
      .where('status', '=', 'settled')
      .execute();
    const ratios = rows
      .map((row) => Number(row.amount_micro_usd) / Math.max(1, Number(row.actual_micro_usd)))
      .sort((a, b) => a - b);
    return {
      engine: stores[0]!.engine,
      instances: stores.length,
      phase,
      messages,
      refused,
      spentUsd: hosts.reduce((sum, host) => sum + host.spent(), 0),
      largestRatio: ratios.at(-1) ?? Number.NaN,
      medianRatio: ratios[Math.floor(ratios.length / 2)] ?? Number.NaN,
      overruns: rows.filter((row) => Number(row.actual_micro_usd) > Number(row.amount_micro_usd)).length,
      exhaustedAlerts,
    };
  };

  const result: BudgetAdmissionFigures[] = [];
  const firstRefused = await wave();
  result.push(await figures(`${CONCURRENT} at once`, CONCURRENT, firstRefused));

  // Until the day is spent: waves of 200 until a whole wave is refused.
  const started = performance.now();
  let refused = firstRefused;
  for (;;) {
    const waveRefused = await wave();
    refused += waveRefused;
    if (waveRefused === CONCURRENT || sent >= MAX_MESSAGES || performance.now() - started > MAX_MS) break;
  }
  result.push(await figures('until the day is spent', sent, refused));
  for (const agent of agents) await agent.close();
  for (const host of hosts) await host.runtime.close();
  return result;
}

export function printBudgetAdmission(figures: BudgetAdmissionFigures[]): void {
  printTable(
    `Budget admission: ${CONCURRENT} concurrent messages against daily $${DAILY_USD} (perRequest $${PER_REQUEST_USD}), ` +
      `${SLOTS_PER_HOST} model runs at a time per instance, runs priced as real CLI calls on ${MODEL}`,
    figures.map((figure) => ({
      engine: figure.engine,
      instances: figure.instances,
      phase: figure.phase,
      messages: figure.messages,
      refused: figure.refused,
      'spent $': Number(figure.spentUsd.toFixed(4)),
      'within daily': figure.spentUsd <= DAILY_USD ? 'yes' : 'NO',
      'reservation/actual max': Number(figure.largestRatio.toFixed(1)),
      'reservation/actual median': Number(figure.medianRatio.toFixed(1)),
      'runs over their reservation': figure.overruns,
      'exhausted alerts': figure.exhaustedAlerts,
    })),
  );
}
