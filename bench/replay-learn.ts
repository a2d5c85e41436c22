/**
 * `npm run bench:replay -- learn`: banking77 through the full pipeline with Learn on. train.csv is the
 * agent's history (the model stand-in answers each request with its intent's answer; the pattern tier
 * observes), one learning pass detects clusters and has the offline handler writer (the simulated
 * model's, src/simulator/handler-writer.ts) write handlers that are validated in the sandbox and served
 * at once (no approval, no canary: the replay measures the handlers); then test.csv is served. A reply of
 * another intent's answer is a wrong answer. Both phases are bounded in time; the figures say how many
 * requests each covered. Both files are sorted by intent, so each is served in the order of a hash of the request
 * (deterministic): a phase cut short by its time bound still sees every intent in proportion (in file
 * order, an 8-minute history on a loaded machine reached 44 of the 77 intents). After test.csv, the off-topic requests of test/fixtures/off-topic-requests.txt (small-
 * business and chit-chat messages that fit no banking intent) are served: any answer on them other than the
 * model's is wrong, so the replay measures abstention too.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClaudeAgent } from '../src/agent/index.js';
import { parseLabelledCsv } from '../src/optimize/cache/index.js';
import { FunctionRuntime } from '../src/runtime/index.js';
import { readGenerationPrompt, writeHandler } from '../src/simulator/index.js';
import { openStore } from '../src/store/index.js';
import { formatMs, printTable, summarise } from './stats.js';

const dataDir = new URL('../../shared/data/banking77/', import.meta.url);
const offTopicFile = new URL('../test/fixtures/off-topic-requests.txt', import.meta.url);
const MODEL_COST_USD = 0.05;
const PHASE_MS = Number(process.env.LEARN_PHASE_MINUTES ?? 8) * 60_000;

/**
 * `LEARN_REPLAY_SPLIT=dev`: the replay on train.csv alone (two thirds as history, the other third served,
 * by a hash of the request), so settings can be chosen without looking at test.csv.
 */
const DEV_SPLIT = process.env.LEARN_REPLAY_SPLIT === 'dev';

export async function runLearnReplay(): Promise<void> {
  const allTrain = parseLabelledCsv(readFileSync(new URL('train.csv', dataDir), 'utf8'));
  const servedInDev = (row: { text: string }) =>
    parseInt(createHash('sha256').update(`dev:${row.text}`).digest('hex').slice(0, 8), 16) % 3 === 0;
  const train = hashOrder(DEV_SPLIT ? allTrain.filter((row) => !servedInDev(row)) : allTrain);
  const test = hashOrder(
    DEV_SPLIT
      ? allTrain.filter(servedInDev)
      : parseLabelledCsv(readFileSync(new URL('test.csv', dataDir), 'utf8')),
  );
  const intentOf = new Map<string, string>();
  for (const row of [...train, ...test]) intentOf.set(row.text.trim(), row.label);
  const answerFor = (intent: string) => `[answer for ${intent}]`;
  const offTopic = readFileSync(offTopicFile, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !intentOf.has(line));
  const dir = mkdtempSync(join(tmpdir(), 'steward-replay-learn-'));
  const store = await openStore({ path: join(dir, 'steward.db') }, {});
  let clock = Date.now();
  const agent = new ClaudeAgent({
    tenantId: 'replay',
    agentId: 'banking-learn',
    store,
    now: () => clock,
    runtime: new FunctionRuntime(
      async (request) => {
        const generation = readGenerationPrompt(request.prompt);
        if (generation) return `\`\`\`javascript\n${writeHandler(generation)}\n\`\`\``;
        return answerFor(intentOf.get(request.prompt.trim()) ?? 'unknown');
      },
      { costUsd: MODEL_COST_USD },
    ),
    optimization: {
      patterns: { autoDetect: false },
      budget: { daily: 1_000_000 },
      fallback: ['cache', 'pattern', 'intelligent'],
    },
    learning: {
      enabled: true,
      patterns: {
        minOccurrences: 10,
        confidenceThreshold: Number(process.env.LEARN_CONFIDENCE ?? 0.95),
        timeWindow: '30d',
      },
      capabilities: { autoGenerate: true, requireApproval: false, testCoverage: 0.9 },
      deployment: { strategy: 'immediate', rolloutPercentage: 100 },
    },
  });
  try {
    let started = performance.now();
    let history = 0;
    for (const row of train) {
      if (performance.now() - started > PHASE_MS) break;
      clock += 1; // the background pass runs once, at the first answer; the replay runs its own below
      await agent.handle({ text: row.text });
      history++;
    }
    const learning = (await agent.learning())!;
    const learnStarted = performance.now();
    const cycle = await learning.runCycle();
    const learnSeconds = (performance.now() - learnStarted) / 1000;
    const states = Object.values(cycle.states);
    const count = (state: string) => states.filter((entry) => entry === state).length;

    // How close the written handlers came to the validation bar: the frontier of coverage against abstention.
    const reports = (await learning.capabilities.list({ tenantId: 'replay', agentId: 'banking-learn' }))
      .map((capability) => capability.validationReport)
      .filter((report) => report !== null && report !== undefined);
    const middle = (values: number[]) =>
      values.sort((left, right) => left - right)[Math.floor(values.length / 2)] ?? 0;
    console.log(
      `validation of ${reports.length} handlers: median coverage ${(middle(reports.map((report) => report.coverage)) * 100).toFixed(1)}% ` +
        `(testCoverage 90%), median abstention ${(middle(reports.map((report) => report.abstention)) * 100).toFixed(2)}% (99.5% required); ` +
        `coverage >= 50% and abstention >= 99.5%: ${reports.filter((report) => report.coverage >= 0.5 && report.abstention >= 0.995).length}`,
    );

    started = performance.now();
    const tiers = new Map<string, { served: number; wrong: number; cost: number }>();
    /** Milliseconds per request of the test phase, by the tier that answered. */
    const timings = new Map<string, number[]>();
    let served = 0;
    for (const row of test) {
      if (performance.now() - started > PHASE_MS) break;
      const requestStarted = performance.now();
      const reply = await agent.handle({ text: row.text });
      const took = timings.get(reply.tier) ?? [];
      took.push(performance.now() - requestStarted);
      timings.set(reply.tier, took);
      const tier = tiers.get(reply.tier) ?? { served: 0, wrong: 0, cost: 0 };
      tier.served++;
      tier.cost += reply.costUsd;
      const answeredIntent = /^\[answer for (.+)\]$/.exec(reply.text)?.[1];
      if (reply.tier !== 'intelligent' && answeredIntent !== row.label) tier.wrong++;
      tiers.set(reply.tier, tier);
      served++;
    }
    // Off-topic requests fit no intent: only the model may answer them; a cache, pattern or handler answer is wrong.
    const testServed = served;
    const offTopicTiers = new Map<string, number>();
    let offTopicWrong = 0;
    for (const text of offTopic) {
      const reply = await agent.handle({ text });
      const tier = tiers.get(reply.tier) ?? { served: 0, wrong: 0, cost: 0 };
      tier.served++;
      tier.cost += reply.costUsd;
      if (reply.tier !== 'intelligent') {
        tier.wrong++;
        offTopicWrong++;
      }
      tiers.set(reply.tier, tier);
      offTopicTiers.set(reply.tier, (offTopicTiers.get(reply.tier) ?? 0) + 1);
      served++;
    }
    const rows = [...tiers.entries()].map(([tier, figures]) => ({
      tier: tier === 'pattern' ? 'pattern (learned handlers)' : tier,
      'share answered': `${((figures.served / served) * 100).toFixed(1)}%`,
      'wrong answers':
        tier === 'intelligent' ? '-' : `${((figures.wrong / Math.max(1, figures.served)) * 100).toFixed(2)}%`,
      'cost/interaction': `$${(figures.cost / Math.max(1, figures.served)).toFixed(4)}`,
    }));
    printTable(
      `learn replay${DEV_SPLIT ? ' (development split: train.csv only)' : ''}: ${history} of ${train.length} train requests as history; ${cycle.clusters} clusters, ` +
        `${cycle.detected.length} detected (confidence >= ${process.env.LEARN_CONFIDENCE ?? 0.95}), ${count('promoted')} promoted, ` +
        `${count('failed-validation')} failed validation (learning pass ${learnSeconds.toFixed(1)} s); ${testServed} of ${test.length} test requests and ${offTopic.length} off-topic requests served`,
      rows,
    );
    const totalCost = [...tiers.values()].reduce((sum, tier) => sum + tier.cost, 0);
    const wrong = [...tiers.values()].reduce((sum, tier) => sum + tier.wrong, 0);
    const handlerShare = (tiers.get('pattern')?.served ?? 0) / Math.max(1, served);
    console.log(
      `off-topic: ${offTopic.length} requests fitting no intent, ${offTopicWrong} answered by a tier other than the model ` +
        `(${((offTopicWrong / Math.max(1, offTopic.length)) * 100).toFixed(2)}%; by tier: ${[...offTopicTiers.entries()].map(([tier, count]) => `${tier} ${count}`).join(', ')})`,
    );
    console.log(
      `time per test request by the tier that answered, p50 / p99 (every serving handler is asked; ${count('promoted')} serve): ` +
        [...timings.entries()]
          .map(([tier, samples]) => {
            const summary = summarise(samples);
            return `${tier} ${formatMs(summary.p50)} / ${formatMs(summary.p99)}`;
          })
          .join(', '),
    );
    console.log(`learned handlers answered ${(handlerShare * 100).toFixed(1)}% of requests`);
    console.log(
      `learn replay: cost -${((1 - totalCost / (Math.max(1, served) * MODEL_COST_USD)) * 100).toFixed(1)}% vs all-model, wrong ${((wrong / Math.max(1, served)) * 100).toFixed(2)}% of all requests`,
    );
  } finally {
    await agent.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rows in the order of a hash of their text: the same order every run, the intents mixed. */
function hashOrder<Row extends { text: string }>(rows: readonly Row[]): Row[] {
  return rows
    .map((row) => ({ row, key: createHash('sha256').update(row.text).digest('hex') }))
    .sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0))
    .map((entry) => entry.row);
}
