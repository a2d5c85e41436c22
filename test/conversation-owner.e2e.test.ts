/**
 * Conversations belong to their customer, through the real Claude Agent SDK and its CLI against the
 * local simulated Messages API, on both store engines: the owner resumes the SDK session on another
 * instance; another customer naming the conversation is refused before the CLI starts, and their own
 * conversation never carries the owner's transcript.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../src/agent/index.js';
import { StewardError } from '../src/errors/index.js';
import { ClaudeAgentSdkRuntime } from '../src/runtime/index.js';
import { type SimulatedModel, startSimulatedModel } from '../src/simulator/index.js';
import { storeEngines, type TestStore } from './support/engines.js';

let model: SimulatedModel;
const runsDirectory = mkdtempSync(join(tmpdir(), 'steward-owner-runs-'));
const workspacesDirectory = mkdtempSync(join(tmpdir(), 'steward-owner-workspaces-'));

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

describe.each(storeEngines)('conversation owners on the real SDK, store on $name', (engine) => {
  let opened: TestStore;
  beforeAll(async () => {
    opened = await engine.open();
  });
  afterAll(async () => {
    await opened.cleanup();
  });

  it("resumes the owner's session on another instance and refuses another customer before the CLI runs", async () => {
    const config = {
      tenantId: 'acme',
      agentId: 'front-desk',
      store: opened.store,
      messageHandling: { maintainContext: true },
    };
    const alice = 'sender:alice';
    const firstRuntime = newRuntime();
    const first = new ClaudeAgent({ ...config, runtime: firstRuntime });
    const turnOne = await first.handle({ text: 'My order number is A-1001.', customerKey: alice });
    await first.close();
    await firstRuntime.close();

    const runtime = newRuntime();
    const agent = new ClaudeAgent({ ...config, runtime });
    try {
      const before = model.requests.length;
      const refused = await agent
        .handle({
          text: 'What was my order number?',
          conversationId: turnOne.conversationId,
          customerKey: 'sender:bob',
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(StewardError.isInstance(refused) && refused.code).toBe('not-found');
      expect(model.requests.length).toBe(before);

      // Bob's own conversation starts fresh: nothing of Alice's transcript reaches the model.
      const bobs = await agent.handle({ text: 'What was my order number?', customerKey: 'sender:bob' });
      expect(bobs.conversationId).not.toBe(turnOne.conversationId);
      expect(JSON.stringify(model.requests.slice(before))).not.toContain('A-1001');

      const beforeAlice = model.requests.length;
      const turnTwo = await agent.handle({
        text: 'What was my order number?',
        conversationId: turnOne.conversationId,
        customerKey: alice,
      });
      expect(turnTwo.text).toBe('Noted: What was my order number?');
      // The owner's turn resumed the session: the model saw turn one.
      expect(JSON.stringify(model.requests.slice(beforeAlice))).toContain('My order number is A-1001.');
    } finally {
      await agent.close();
      await runtime.close();
    }
  });
});
