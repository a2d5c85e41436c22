/**
 * ClaudeAgent end to end on the real Claude Agent SDK and its bundled CLI, against the local simulated
 * Messages API, on both store engines: a plain reply, and a conversation whose second turn runs on a
 * new ClaudeAgent and a new runtime (another instance) and still resumes the first turn's session.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../src/agent/index.js';
import { ClaudeAgentSdkRuntime } from '../src/runtime/index.js';
import { type SimulatedModel, startSimulatedModel } from '../src/simulator/index.js';
import { storeEngines, type TestStore } from './support/engines.js';

let model: SimulatedModel;
const runsDirectory = mkdtempSync(join(tmpdir(), 'steward-runs-'));
const workspacesDirectory = mkdtempSync(join(tmpdir(), 'steward-workspaces-'));

beforeAll(async () => {
  model = await startSimulatedModel({
    respond: (_request, context) => ({ text: `Noted: ${context.lastUserText}` }),
  });
});

afterAll(async () => {
  await model.close();
  rmSync(runsDirectory, { recursive: true, force: true });
  rmSync(workspacesDirectory, { recursive: true, force: true });
});

function newRuntime() {
  return new ClaudeAgentSdkRuntime({
    baseUrl: model.url,
    simulatedModel: true,
    concurrency: 2,
    runsDirectory,
    workspacesDirectory,
  });
}

describe.each(storeEngines)('ClaudeAgent on the real SDK, store on $name', (engine) => {
  let opened: TestStore;
  beforeAll(async () => {
    opened = await engine.open();
  });
  afterAll(async () => {
    await opened.cleanup();
  });

  it('answers a message through the SDK and records it durably', async () => {
    const runtime = newRuntime();
    const agent = new ClaudeAgent({ tenantId: 'acme', agentId: 'front-desk', store: opened.store, runtime });
    try {
      const reply = await agent.handle({ text: 'hi', channel: 'web' });
      expect(reply).toMatchObject({
        text: 'Noted: hi',
        tier: 'intelligent',
        outcome: 'success',
        simulatedModel: true,
      });
      expect(reply.costUsd).toBeGreaterThan(0);
      expect(reply.usage.outputTokens).toBeGreaterThan(0);
      const stored = await opened.store.interactions.get('acme', reply.interactionId);
      expect(stored).toMatchObject({ replyText: 'Noted: hi', simulatedModel: true, costUsd: reply.costUsd });
      expect(stored?.sdkSessionId).toMatch(/\S/);
    } finally {
      await agent.close();
      await runtime.close();
    }
  });

  it('continues a conversation on another instance through the store', async () => {
    const config = {
      tenantId: 'acme',
      agentId: 'front-desk',
      store: opened.store,
      messageHandling: { maintainContext: true },
    };
    const firstRuntime = newRuntime();
    const first = new ClaudeAgent({ ...config, runtime: firstRuntime });
    const turnOne = await first.handle({
      text: 'My order number is A-1001.',
      conversationId: `order-${engine.name}`,
    });
    await first.close();
    await firstRuntime.close();

    const before = model.requests.length;
    const secondRuntime = newRuntime();
    const second = new ClaudeAgent({ ...config, runtime: secondRuntime });
    try {
      const turnTwo = await second.handle({
        text: 'What was my order number?',
        conversationId: `order-${engine.name}`,
      });
      expect(turnTwo.text).toBe('Noted: What was my order number?');
      const sent = JSON.stringify(model.requests.slice(before));
      // The model saw turn one (the user's words and its own reply) when answering turn two.
      expect(sent).toContain('My order number is A-1001.');
      expect(sent).toContain('Noted: My order number is A-1001.');
      const conversation = await opened.store.conversations.get('acme', 'front-desk', `order-${engine.name}`);
      expect(conversation?.turns).toBe(2);
      expect(turnTwo.conversationId).toBe(turnOne.conversationId);
    } finally {
      await second.close();
      await secondRuntime.close();
    }
  });
});
