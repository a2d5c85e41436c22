/**
 * Warm sessions end to end through ClaudeAgent on the real SDK and CLI against the simulated model: the
 * conversation's second and third turns run on its live CLI child, an operator's trust change between
 * turns is enforced on the next warm turn, and every warm turn's tool calls are in the audit log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../src/agent/index.js';
import type { AuditRecord } from '../src/audit/index.js';
import { ClaudeAgentSdkRuntime } from '../src/runtime/index.js';
import { type SimulatedModel, type SimulatedStep, startSimulatedModel } from '../src/simulator/index.js';
import { openStore, type StewardStore } from '../src/store/index.js';

let model: SimulatedModel;
let runtime: ClaudeAgentSdkRuntime;
let store: StewardStore;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-warm-e2e-'));
  store = await openStore({ path: join(dir, 'steward.db') }, {});
  model = await startSimulatedModel({
    respond: (_request, context): SimulatedStep => {
      const [result] = context.toolResults;
      if (result) return { text: `${result.isError ? 'Tool refused' : 'Tool ran'}: ${result.content}` };
      return { toolUse: { name: 'Write', input: { file_path: 'note.txt', content: context.lastUserText } } };
    },
  });
  runtime = new ClaudeAgentSdkRuntime({
    baseUrl: model.url,
    simulatedModel: true,
    runsDirectory: join(dir, 'runs'),
    workspacesDirectory: join(dir, 'workspaces'),
    warmSessions: {},
  });
});

afterAll(async () => {
  await runtime.close();
  await model.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('warm sessions through ClaudeAgent', () => {
  it('enforces a trust change between turns on the next warm turn, and audits warm turns’ tool calls', async () => {
    const agent = new ClaudeAgent({
      tenantId: 'acme-bakery',
      agentId: 'front-desk',
      store,
      runtime,
      tools: ['Read', 'Write'],
      messageHandling: { maintainContext: true },
      trust: { initial: 0.6, permissions: { 0.1: ['Read'], 0.5: ['Read', 'Write'] } },
      audit: { level: 'detailed' },
    });
    const scope = { tenantId: 'acme-bakery', agentId: 'front-desk' };
    const first = await agent.handle({ text: 'Save: two cakes' });
    expect(first.toolCalls).toMatchObject([{ toolName: 'Write', status: 'succeeded' }]);
    const second = await agent.handle({ text: 'Save: three pies', conversationId: first.conversationId });
    expect(second.toolCalls).toMatchObject([{ toolName: 'Write', status: 'succeeded' }]);

    // An operator lowers the agent's trust between turns: the next turn, warm, may no longer write.
    const trust = (await agent.trust())!;
    await trust.service.operatorAction(scope, { type: 'set', level: 0.3 }, 'owner', 'a customer complained');
    const third = await agent.handle({ text: 'Save: four tarts', conversationId: first.conversationId });
    expect(third.toolCalls).toMatchObject([{ toolName: 'Write', status: 'denied' }]);
    expect(third.text).toMatch(/^Tool refused/);
    expect(runtime.warmSessionStats()).toMatchObject({ coldStarts: 1, warmTurns: 2 });

    const audit = (await agent.audit())!;
    const records: AuditRecord[] = (await audit.search({ tenantId: 'acme-bakery', limit: 1000 })).records;
    const ofTurn = (interactionId: string, type: string) =>
      records.filter((record) => record.interactionId === interactionId && record.eventType === type).length;
    expect(ofTurn(second.interactionId, 'tool-call-allowed')).toBe(1);
    expect(ofTurn(second.interactionId, 'tool-call-completed')).toBe(1);
    expect(ofTurn(third.interactionId, 'tool-call-denied')).toBe(1);
    expect(ofTurn(third.interactionId, 'tool-call-completed')).toBe(0);
    expect((await audit.verify({ tenantId: 'acme-bakery' })).ok).toBe(true);
    await agent.close();
  }, 120_000);
});
