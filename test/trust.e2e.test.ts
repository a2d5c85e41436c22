/**
 * Trust end to end on the real Claude Agent SDK and its CLI against the local simulated model: at 0.3 a
 * Write is denied and the model's next request carries the deny message; enough recorded successes
 * promote the agent past 0.5 and the same Write runs; a burst of errors demotes it and Write is denied again.
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
let failing = false;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-trust-e2e-'));
  store = await openStore({ path: join(dir, 'steward.db') }, {});
  model = await startSimulatedModel({
    respond: (_request, context): SimulatedStep => {
      if (failing) return { httpError: { status: 500, type: 'api_error', message: 'simulated outage' } };
      const [result] = context.toolResults;
      if (result) return { text: `${result.isError ? 'Tool refused' : 'Tool ran'}: ${result.content}` };
      if (context.lastUserText.includes('save the note')) {
        return { toolUse: { name: 'Write', input: { file_path: 'note.txt', content: 'pick up 2 cakes' } } };
      }
      return { text: 'Happy to help.' };
    },
  });
  runtime = new ClaudeAgentSdkRuntime({
    baseUrl: model.url,
    simulatedModel: true,
    concurrency: 2,
    extraEnv: { CLAUDE_CODE_MAX_RETRIES: '0' },
    runsDirectory: join(dir, 'runs'),
    workspacesDirectory: join(dir, 'workspaces'),
  });
});

afterAll(async () => {
  await runtime.close();
  await model.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('trust through the real SDK', () => {
  it('denies Write at 0.3, allows it after promotion past 0.5, denies it again after demotion', async () => {
    const agent = new ClaudeAgent({
      tenantId: 'acme-bakery',
      agentId: 'front-desk',
      store,
      runtime,
      tools: ['Read', 'Write'],
      trust: {
        initial: 0.3,
        rules: [
          { metric: 'success_rate', threshold: 0.5, action: 'increment', amount: 0.3 },
          { metric: 'error_rate', threshold: 0.5, action: 'decrement', amount: 0.3 },
        ],
        permissions: {
          0.1: ['Read'],
          0.3: ['Read', 'mcp__slack__*'],
          0.5: ['Read', 'Write', 'mcp__*'],
          0.9: ['*'],
        },
        minSamples: 5,
        cooldown: '0s',
        maxDailyGain: 1,
      },
      audit: { level: 'detailed', analytics: { alerts: ['permission_escalation'] } },
    });
    const denied: string[] = [];
    agent.events.on('tool-call-denied', (event) => {
      denied.push(`${event.toolName} at ${event.level} needs ${event.requiredLevel}`);
    });
    const trust = (await agent.trust())!;
    const scope = { tenantId: 'acme-bakery', agentId: 'front-desk' };

    // At 0.3: Write is denied, and the model is told which level it needs.
    const first = await agent.handle({ text: 'Please save the note for tomorrow.' });
    expect(first.toolCalls).toMatchObject([{ toolName: 'Write', status: 'denied' }]);
    expect(first.outcome).toBe('denied');
    expect(first.text).toMatch(/^Tool refused: .*needs trust level 0.5; this agent is at 0.3/);
    const denyResult = model.requests.at(-1)!;
    expect(JSON.stringify(denyResult.messages)).toContain('needs trust level 0.5');
    expect(denied).toEqual(['Write at 0.3 needs 0.5']);

    // Successes promote it: with the denied turn that makes 5 outcomes, 5/5 clears the 0.5 bound.
    for (let turn = 0; turn < 4; turn++)
      expect((await agent.handle({ text: 'What cakes do you have?' })).outcome).toBe('success');
    expect(await trust.service.level(scope)).toBe(0.6);

    // Now the same Write runs.
    const second = await agent.handle({ text: 'Please save the note for tomorrow.' });
    expect(second.toolCalls).toMatchObject([{ toolName: 'Write', status: 'succeeded' }]);
    expect(second.text).toMatch(/^Tool ran/);

    // A burst of errors demotes it.
    failing = true;
    for (let turn = 0; turn < 5; turn++) {
      const reply = await agent.handle({ text: 'Are you there?' });
      expect(reply.outcome).toBe('error');
    }
    failing = false;
    expect(await trust.service.level(scope)).toBe(0.3);

    const third = await agent.handle({ text: 'Please save the note for tomorrow.' });
    expect(third.toolCalls).toMatchObject([{ toolName: 'Write', status: 'denied' }]);

    const history = await trust.service.history(scope);
    expect(history.map((entry) => [entry.kind, entry.from, entry.to])).toEqual([
      ['rule', 0.6, 0.3],
      ['rule', 0.3, 0.6],
    ]);
    const snapshot = await trust.service.snapshot(scope);
    expect(snapshot.tools).toEqual([{ toolName: 'Write', allowed: 1, denied: 2 }]);

    // The audit log holds the SDK's tool calls, the trust changes and the escalation alert, verifiably.
    const audit = (await agent.audit())!;
    const records: AuditRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.search({
        tenantId: 'acme-bakery',
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      records.push(...page.records);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const count = (type: string) => records.filter((record) => record.eventType === type).length;
    expect(count('tool-call-denied')).toBe(2);
    expect(count('tool-call-allowed')).toBe(1);
    expect(count('tool-call-completed')).toBe(1);
    expect(count('trust-level-changed')).toBe(2);
    const deniedRecord = records.find((record) => record.eventType === 'tool-call-denied')!;
    expect(deniedRecord.payload).toMatchObject({ toolName: 'Write', level: 0.3, requiredLevel: 0.5 });
    const requested = records.find((record) => record.eventType === 'tool-call-requested')!;
    expect(requested.payload).toMatchObject({ toolName: 'Write', input: expect.any(Object) });
    expect(
      records
        .filter((record) => record.eventType === 'audit-alert-raised')
        .map((record) => record.payload.reason),
    ).toContain('trust-raised');
    expect((await audit.verify({ tenantId: 'acme-bakery' })).ok).toBe(true);
    await agent.close();
  }, 120_000);
});
