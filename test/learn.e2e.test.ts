/**
 * Learn end to end on the real Claude Agent SDK and its bundled CLI, against the local simulated model:
 * the model answers the recorded traffic and writes the handlers (the simulator's handler writer); one
 * capability is detected, generated, validated, approved, canaried and promoted; a second fails in its
 * canary and is rolled back automatically; a third fails validation and never answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../src/agent/index.js';
import { type AgentRuntime, ClaudeAgentSdkRuntime, FunctionRuntime } from '../src/runtime/index.js';
import {
  readGenerationPrompt,
  type SimulatedModel,
  startSimulatedModel,
  writeKeywordHandler,
  writesHandlers,
} from '../src/simulator/index.js';
import { storeEngines, type TestStore } from './support/engines.js';
import {
  hoursReply,
  hoursRequests,
  refundReply,
  refundRequests,
  shippingReply,
  shippingRequests,
} from './support/learn-clusters.js';

let model: SimulatedModel;
const runsDirectory = mkdtempSync(join(tmpdir(), 'steward-runs-'));
const workspacesDirectory = mkdtempSync(join(tmpdir(), 'steward-workspaces-'));

const recorded = new Map<string, string>([
  ...hoursRequests.map((text) => [text, hoursReply] as const),
  ...refundRequests.map((text) => [text, refundReply] as const),
  ...shippingRequests.map((text) => [text, shippingReply] as const),
]);

beforeAll(async () => {
  const answers = writesHandlers((_request, context) => ({
    text: recorded.get(context.lastUserText.replace(/^urgent: /, '')) ?? 'Let me look into that.',
  }));
  model = await startSimulatedModel({
    respond: (request, context) => {
      const generation = readGenerationPrompt(context.lastUserText);
      const reply = generation?.examples[0]?.reply;
      if (generation && reply === refundReply) {
        const good = writeKeywordHandler(generation);
        return {
          text: `\`\`\`javascript\nfunction handler(request, context) {\n  if (/urgent/i.test(request.text)) throw new Error('unexpected');\n  return (${good})(request, context);\n}\n\`\`\``,
        };
      }
      if (generation && reply === shippingReply) {
        return { text: `function handler() { return ${JSON.stringify(shippingReply)}; }` };
      }
      return answers(request, context);
    },
  });
});

afterAll(async () => {
  await model.close();
  rmSync(runsDirectory, { recursive: true, force: true });
  rmSync(workspacesDirectory, { recursive: true, force: true });
});

const learningConfig = {
  enabled: true,
  patterns: { minOccurrences: 10, confidenceThreshold: 0.85, timeWindow: '7d' },
  capabilities: { autoGenerate: true, requireApproval: true, testCoverage: 0.8 },
  deployment: {
    strategy: 'canary' as const,
    rolloutPercentage: 100,
    successCriteria: { errorRate: 0.1 },
  },
};

function agentOn(store: TestStore['store'], runtime: AgentRuntime): ClaudeAgent {
  return new ClaudeAgent({
    tenantId: 'acme',
    agentId: 'front-desk',
    store,
    runtime,
    audit: { level: 'standard' },
    optimization: {
      enableCache: false,
      fallback: ['pattern', 'intelligent'],
      patterns: { autoDetect: false },
    },
    learning: learningConfig,
  });
}

function sdkRuntime(): ClaudeAgentSdkRuntime {
  return new ClaudeAgentSdkRuntime({
    baseUrl: model.url,
    simulatedModel: true,
    concurrency: 2,
    runsDirectory,
    workspacesDirectory,
  });
}

let conversation = 0;
const askOf = (agent: ClaudeAgent) => (text: string) =>
  agent.handle({ text, channel: 'web', conversationId: `c-${++conversation}` });

/** The recorded traffic: every request of the three kinds, answered by the model. */
async function recordHistory(agent: ClaudeAgent, expected: { simulatedModel: boolean }): Promise<void> {
  const ask = askOf(agent);
  const history = [...hoursRequests, ...refundRequests, ...shippingRequests];
  for (let index = 0; index < history.length; index += 2) {
    const replies = await Promise.all(history.slice(index, index + 2).map(ask));
    for (const reply of replies) expect(reply).toMatchObject({ tier: 'intelligent', ...expected });
  }
}

/** Detect → generate (through the SDK) → validate → approve → canary → promote, and the two failures. */
async function learnFromHistory(agent: ClaudeAgent): Promise<void> {
  const ask = askOf(agent);
  const learning = (await agent.learning())!;
  const cycle = await learning.runCycle();
  expect(cycle.detected).toHaveLength(3);
  const all = await learning.list();
  const of = (reply: string) => all.find((capability) => capability.cluster.training[0]?.reply === reply)!;
  expect(of(hoursReply).state, JSON.stringify(of(hoursReply).validationReport).slice(0, 1500)).toBe(
    'pending-approval',
  );
  expect(of(hoursReply).generationCostUsd).toBeGreaterThan(0);
  expect(of(hoursReply).generationPrompt).toContain('<steward-learn-examples>');
  expect(of(refundReply).state).toBe('pending-approval');
  expect(of(shippingReply).state).toBe('failed-validation');

  await learning.approve(of(hoursReply).id, 'alice');
  await learning.approve(of(refundReply).id, 'alice');

  for (let index = 0; index < 3; index++) await ask(`urgent: ${refundRequests[index]}`);
  expect((await learning.get(of(refundReply).id)).state).toBe('rolled-back');

  let served = 0;
  for (let index = 0; index < 60 && (await learning.get(of(hoursReply).id)).state === 'canary'; index++) {
    const reply = await ask(hoursRequests[index % hoursRequests.length]!);
    if (reply.tier === 'pattern') served++;
  }
  expect((await learning.get(of(hoursReply).id)).state).toBe('promoted');
  expect(served).toBeGreaterThan(20);
  const shippingAnswer = await ask(shippingRequests[0]!);
  expect(shippingAnswer.tier).toBe('intelligent');
  const analytics = await learning.analytics();
  expect(analytics.byState).toMatchObject({ promoted: 1, 'rolled-back': 1, 'failed-validation': 1 });
}

const sqlite = storeEngines.filter((engine) => engine.name === 'sqlite');
const postgres = storeEngines.filter((engine) => engine.name === 'postgres');

describe.each(sqlite)('Learn on the real SDK, store on $name', (engine) => {
  let opened: TestStore;
  beforeAll(async () => {
    opened = await engine.open();
  });
  afterAll(async () => {
    await opened.cleanup();
  });

  it('detect → generate → validate → approve → canary → promote; a failing canary rolls back; a failed handler never serves', async () => {
    const runtime = sdkRuntime();
    const agent = agentOn(opened.store, runtime);
    try {
      await recordHistory(agent, { simulatedModel: true });
      await learnFromHistory(agent);
    } finally {
      await agent.close();
      await runtime.close();
    }
  }, 240_000);
});

/**
 * On PostgreSQL the loop runs again, but the 39 recorded requests are answered in-process by one agent
 * instance (the SDK's answer path does not depend on the store engine, and on SQLite above it costs
 * about 50 s of the run's 60); a second instance on the same database, on the real SDK and CLI, then
 * detects over the observations the first one stored, has the model write the handlers, and carries
 * them through approval, canary, promotion and rollback: every store-backed step, on PostgreSQL, after a
 * restart.
 */
describe.each(postgres)('Learn on the real SDK, store on $name', (engine) => {
  let opened: TestStore;
  beforeAll(async () => {
    opened = await engine.open();
  });
  afterAll(async () => {
    await opened.cleanup();
  });

  it('history from one instance; detect → generate (SDK) → validate → approve → canary → promote on another; rollback; a failed handler never serves', async () => {
    const recorder = agentOn(
      opened.store,
      new FunctionRuntime(async (request) => recorded.get(request.prompt) ?? 'Let me look into that.', {
        costUsd: 0.02,
      }),
    );
    try {
      await recordHistory(recorder, { simulatedModel: true });
    } finally {
      await recorder.close();
    }
    const runtime = sdkRuntime();
    const agent = agentOn(opened.store, runtime);
    try {
      await learnFromHistory(agent);
    } finally {
      await agent.close();
      await runtime.close();
    }
  }, 240_000);
});
