/**
 * `npm run bench:replay`: banking77 through the full ClaudeAgent pipeline (store, budget, cache and
 * pattern tiers, cost rollups). train.csv is the agent's history (patterns in shadow mode), then test.csv is
 * streamed through it with patterns serving. Arguments: semantic thresholds, or `off`. The model is
 * an in-process stand-in that answers each request with its intent's answer (the simulated model's wire
 * round trip would take ~0.8 s a request); a cached answer served for a request of another intent is a
 * wrong answer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClaudeAgent } from '../src/agent/index.js';
import { parseLabelledCsv } from '../src/optimize/cache/index.js';
import { FunctionRuntime } from '../src/runtime/index.js';
import { openStore } from '../src/store/index.js';
import { runLearnReplay } from './replay-learn.js';
import { printTable } from './stats.js';

const dataDir = new URL('../../shared/data/banking77/', import.meta.url);
const MODEL_COST_USD = 0.05;
const MAX_MS = 10 * 60_000;

async function main(): Promise<void> {
  const train = parseLabelledCsv(readFileSync(new URL('train.csv', dataDir), 'utf8'));
  const test = parseLabelledCsv(readFileSync(new URL('test.csv', dataDir), 'utf8'));
  const intentOf = new Map<string, string>();
  for (const row of [...train, ...test]) intentOf.set(row.text.trim(), row.label);
  const answerFor = (intent: string) => `[answer for ${intent}]`;

  const dir = mkdtempSync(join(tmpdir(), 'steward-replay-'));
  const store = await openStore({ path: join(dir, 'steward.db') }, {});
  // Each argument is a semantic similarity threshold, or `off` for exact keys and rules only.
  const settings = process.argv
    .slice(2)
    .map((value) => (value === 'off' ? 'off' : Number(value)))
    .filter((value) => value === 'off' || (value > 0 && value <= 1));
  const rows: Array<Record<string, string | number>> = [];
  const shadowRows: Array<Record<string, string | number>> = [];
  try {
    for (const similarity of settings.length > 0 ? settings : ['off', 0.95]) {
      const agentFor = (mode: 'serve' | 'shadow') =>
        new ClaudeAgent({
          tenantId: 'replay',
          agentId: `banking-${similarity}`,
          store,
          runtime: new FunctionRuntime(
            async (request) => answerFor(intentOf.get(request.prompt.trim()) ?? 'unknown'),
            { costUsd: MODEL_COST_USD },
          ),
          optimization: {
            cacheRules: [
              { pattern: 'greeting', ttl: 86400, response: 'Hello! How can I help?' },
              ...(typeof similarity === 'number' ? [{ similarity, ttl: 86400 }] : []),
            ],
            patterns: { autoDetect: true, minFrequency: 10, confidence: 0.9, mode },
            budget: { daily: 1_000_000 },
            fallback: ['cache', 'pattern', 'intelligent'],
          },
        });
      // Warm-up: train.csv is the agent's history, recorded with its patterns in shadow mode (the model
      // answers, patterns only count how often they would have been right); then test.csv is served.
      const warm = agentFor('shadow');
      const started = performance.now();
      for (const row of train) {
        if (performance.now() - started > MAX_MS) break;
        await warm.handle({ text: row.text });
      }
      const shadow = (
        (await (await warm.patterns())?.list({ tenantId: 'replay', agentId: `banking-${similarity}` })) ?? []
      ).reduce(
        (sum, pattern) => ({
          agreed: sum.agreed + pattern.shadow.agreed,
          disagreed: sum.disagreed + pattern.shadow.disagreed,
          active: sum.active + (pattern.status === 'active' ? 1 : 0),
        }),
        { agreed: 0, disagreed: 0, active: 0 },
      );
      const wouldHave = shadow.agreed + shadow.disagreed;
      shadowRows.push({
        similarity,
        'active patterns': shadow.active,
        'would have answered': `${((wouldHave / train.length) * 100).toFixed(1)}% of train`,
        'model disagreed': `${((shadow.disagreed / Math.max(1, wouldHave)) * 100).toFixed(2)}%`,
      });
      await warm.close();
      const agent = agentFor('serve');
      const tiers = new Map<string, { served: number; wrong: number; cost: number }>();
      let served = 0;
      for (const row of test) {
        if (performance.now() - started > MAX_MS) break;
        const reply = await agent.handle({ text: row.text });
        const tier = tiers.get(reply.tier) ?? { served: 0, wrong: 0, cost: 0 };
        tier.served++;
        tier.cost += reply.costUsd;
        const answeredIntent = /^\[answer for (.+)\]$/.exec(reply.text)?.[1];
        if (reply.tier !== 'intelligent' && answeredIntent !== row.label) tier.wrong++;
        tiers.set(reply.tier, tier);
        served++;
      }
      const totalCost = [...tiers.values()].reduce((sum, tier) => sum + tier.cost, 0);
      const offModel = ['cache', 'pattern'].map(
        (name) => tiers.get(name) ?? { served: 0, wrong: 0, cost: 0 },
      );
      const offModelServed = offModel.reduce((sum, tier) => sum + tier.served, 0);
      const offModelWrong = offModel.reduce((sum, tier) => sum + tier.wrong, 0);
      for (const [tier, figures] of tiers) {
        rows.push({
          similarity,
          tier,
          'hit rate': `${((figures.served / served) * 100).toFixed(1)}%`,
          'wrong answers':
            figures.served === 0 ? '-' : `${((figures.wrong / figures.served) * 100).toFixed(2)}%`,
          'cost/interaction': `$${(figures.cost / Math.max(1, figures.served)).toFixed(4)}`,
        });
      }
      rows.push({
        similarity,
        tier: 'cache + pattern',
        'hit rate': `${((offModelServed / served) * 100).toFixed(1)}%`,
        'wrong answers':
          offModelServed === 0 ? '-' : `${((offModelWrong / offModelServed) * 100).toFixed(2)}%`,
        'cost/interaction': `$${(offModel.reduce((sum, tier) => sum + tier.cost, 0) / Math.max(1, offModelServed)).toFixed(4)}`,
      });
      rows.push({
        similarity,
        tier: 'all',
        'hit rate': `${served} requests`,
        'wrong answers': '',
        'cost/interaction': `$${(totalCost / Math.max(1, served)).toFixed(4)} (saves ${((1 - totalCost / (served * MODEL_COST_USD)) * 100).toFixed(1)}% vs all-model)`,
      });
      await agent.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  printTable('pattern tier in shadow mode during the warm-up (train.csv)', shadowRows);
  printTable(
    `banking77 replay through the pipeline (warmed on ${train.length} train requests, ${test.length} test requests; model answer $${MODEL_COST_USD}). Target for the cache tiers: >= 30% answered at <= 1% wrong`,
    rows,
  );
}

(process.argv[2] === 'learn' ? runLearnReplay() : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
