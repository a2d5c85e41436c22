/**
 * Warm sessions through the real SDK and CLI against the simulated model: the turns after a
 * conversation's first run on the same CLI child, each still guarded, budgeted and reported on its own.
 */
import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../../test/support/memory-session-store.js';
import {
  closeAfterEach,
  quoteResult,
  recordingGuard,
  runRequest,
  runtimeFor,
  startSimulatedRuntime,
  writeNotes,
} from '../../../test/support/simulated-sdk-runtime.js';
import { StewardError } from '../../errors/index.js';
import type { SimulatedResponder } from '../../simulator/index.js';
import { allMessageText, callToolThenReply } from '../../simulator/index.js';
import type { RuntimeEvent, RuntimeRequest, RuntimeResult } from '../types.js';
import type { ClaudeAgentSdkRuntime } from './claude-sdk-runtime.js';

closeAfterEach();

const noted: SimulatedResponder = (_request, context) => ({ text: `Noted: ${context.lastUserText}` });

/** Runs the turns of one conversation in order, each resuming the session the previous one returned. */
async function conversation(
  runtime: ClaudeAgentSdkRuntime,
  prompts: string[],
  base: Partial<RuntimeRequest>,
): Promise<RuntimeResult[]> {
  const results: RuntimeResult[] = [];
  for (const [index, prompt] of prompts.entries()) {
    results.push(await nextTurn(runtime, results, { ...base, prompt, interactionId: `turn-${index + 1}` }));
  }
  return results;
}

/** One more turn of a conversation, resuming the session of its last result. */
function nextTurn(
  runtime: ClaudeAgentSdkRuntime,
  results: RuntimeResult[],
  request: Partial<RuntimeRequest>,
): Promise<RuntimeResult> {
  const previous = results.at(-1);
  return runtime.run(
    runRequest({ ...request, ...(previous?.sessionId ? { resumeSessionId: previous.sessionId } : {}) }),
  );
}

describe('warm sessions', () => {
  it('runs a conversation’s later turns on the same CLI child, each with its own cost and usage', async () => {
    const { model, runtime } = await startSimulatedRuntime(noted, { warmSessions: {} });
    const sessions = new MemorySessionStore();
    const results = await conversation(runtime, ['My order is A-1001.', 'Where is it?', 'Thanks!'], {
      conversationId: 'c-1',
      sessions,
    });
    expect(results.map((result) => result.text)).toEqual([
      'Noted: My order is A-1001.',
      'Noted: Where is it?',
      'Noted: Thanks!',
    ]);
    expect(new Set(results.map((result) => result.sessionId)).size).toBe(1);
    expect(runtime.warmSessionStats()).toMatchObject({ live: 1, coldStarts: 1, warmTurns: 2 });
    // The model saw the whole conversation on the third turn.
    expect(allMessageText(model.requests[2]!)).toContain('My order is A-1001.');
    // The CLI's totals are cumulative over the session; each turn reports its own share.
    for (const result of results) {
      expect(result.costUsd).toBeGreaterThan(0);
      expect(result.costUsd).toBeLessThan(results[0]!.costUsd * 1.5);
      expect(result.usage.outputTokens).toBeLessThan(results[0]!.usage.outputTokens * 1.5);
    }
    // The turns after the first skip the CLI's start (about 1 s here, more on a busy host).
    expect(Math.max(results[1]!.durationMs, results[2]!.durationMs)).toBeLessThan(results[0]!.durationMs);

    // Each warm turn is in the store when its run returns: another instance resumes the conversation cold.
    const elsewhere = runtimeFor(model);
    const resumed = await elsewhere.run(
      runRequest({ prompt: 'And the invoice?', sessions, resumeSessionId: results[2]!.sessionId! }),
    );
    expect(resumed.text).toBe('Noted: And the invoice?');
    const seen = allMessageText(model.requests.at(-1)!);
    expect(seen).toContain('Noted: Where is it?');
    expect(seen).toContain('Noted: Thanks!');
  });

  it('decides each warm turn’s tool calls by that turn’s guard, and reports their events', async () => {
    const { runtime } = await startSimulatedRuntime(
      callToolThenReply({ toolUse: writeNotes, reply: quoteResult }),
      { warmSessions: {} },
    );
    const sessions = new MemorySessionStore();
    const allow = recordingGuard((_tool, input) => ({ behavior: 'allow', updatedInput: input }));
    // The agent's trust level dropped between the turns: the same tool is no longer allowed.
    const deny = recordingGuard(() => ({ behavior: 'deny', message: 'Trust level 0.2 is below 0.5' }));
    const base = { conversationId: 'c-1', sessions };
    const results: RuntimeResult[] = [];
    const events: RuntimeEvent[][] = [];
    for (const guard of [allow, deny, allow]) {
      const turn: RuntimeEvent[] = [];
      events.push(turn);
      results.push(
        await nextTurn(runtime, results, { ...base, permissionGuard: guard, onEvent: (e) => turn.push(e) }),
      );
    }
    expect(runtime.warmSessionStats()).toMatchObject({ coldStarts: 1, warmTurns: 2 });
    expect(results[0]!.toolCalls).toEqual([
      expect.objectContaining({ toolName: 'Write', status: 'succeeded' }),
    ]);
    expect(results[1]!.toolCalls).toEqual([
      expect.objectContaining({
        toolName: 'Write',
        status: 'denied',
        message: 'Trust level 0.2 is below 0.5',
      }),
    ]);
    expect(results[1]!.text).toContain('Tool refused');
    expect(deny.asked.length).toBeGreaterThan(0);
    expect(events[1]).toContainEqual(
      expect.objectContaining({
        type: 'tool-call-decided',
        decision: expect.objectContaining({ behavior: 'deny' }),
      }),
    );
    // The third turn (warm again, trusted again) runs the tool and reports every step of the call.
    expect(results[2]!.toolCalls).toEqual([
      expect.objectContaining({ toolName: 'Write', status: 'succeeded' }),
    ]);
    expect(events[2]!.map((event) => event.type)).toEqual(
      expect.arrayContaining(['tool-call-requested', 'tool-call-decided', 'tool-call-completed']),
    );
    // No event of one turn is reported to another.
    const toolUseIds = events.map((turn) =>
      turn.flatMap((event) => ('toolUseId' in event ? [event.toolUseId] : [])),
    );
    expect(new Set(toolUseIds[1]).size).toBe(1);
    expect(toolUseIds[1]!.some((id) => toolUseIds[2]!.includes(id))).toBe(false);
  });

  it('admits each warm turn: a budget exhausted between turns stops the next one before the model', async () => {
    const { model, runtime } = await startSimulatedRuntime(noted, { warmSessions: {} });
    const base = { conversationId: 'c-1', sessions: new MemorySessionStore() };
    const results = await conversation(runtime, ['First', 'Second'], base);
    const calls = model.requests.length;
    const refused = nextTurn(runtime, results, {
      ...base,
      prompt: 'Third',
      admit: async () => {
        throw new StewardError('budget-exceeded', 'the daily budget of acme/support is spent');
      },
    });
    await expect(refused).rejects.toMatchObject({ code: 'budget-exceeded' });
    expect(model.requests).toHaveLength(calls);
    // The session is still warm for the next admitted turn.
    const after = await nextTurn(runtime, results, { ...base, prompt: 'Fourth' });
    expect(after.text).toBe('Noted: Fourth');
    expect(runtime.warmSessionStats()).toMatchObject({ coldStarts: 1, warmTurns: 2 });
  });

  it('never runs a turn under less than half its budget ceiling: a session that spent half restarts cold', async () => {
    const { runtime } = await startSimulatedRuntime(noted, { warmSessions: {} });
    // A turn costs about $0.021 here ($0.029 resumed cold); the CLI counts maxBudgetUsd from the start of
    // its query, so one session would end the fourth turn at about $0.083 with max-budget.
    const base = { conversationId: 'c-1', sessions: new MemorySessionStore(), maxBudgetUsd: 0.07 };
    const results = await conversation(runtime, ['One', 'Two', 'Three', 'Four'], base);
    expect(results.map((result) => result.stopReason)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
    ]);
    expect(results.map((result) => result.text)).toEqual([
      'Noted: One',
      'Noted: Two',
      'Noted: Three',
      'Noted: Four',
    ]);
    expect(runtime.warmSessionStats()).toMatchObject({ coldStarts: 2, warmTurns: 2 });
  });

  it('never serves one tenant’s, agent’s or conversation’s turn from another’s session', async () => {
    const { model, runtime } = await startSimulatedRuntime(noted, { warmSessions: {} });
    const sessions = new MemorySessionStore();
    const [acme] = await conversation(runtime, ['Secret of acme'], { conversationId: 'c-1', sessions });
    const resume = { prompt: 'What was the secret?', sessions, resumeSessionId: acme!.sessionId! };
    // Another tenant with the same conversation id and acme's session id: resumed cold, and not found.
    const intruder = await runtime.run(runRequest({ ...resume, tenantId: 'globex', conversationId: 'c-1' }));
    expect(intruder).toMatchObject({ isError: true, stopReason: 'session-not-found', costUsd: 0 });
    // Another agent of the same tenant: the same.
    const otherAgent = await runtime.run(
      runRequest({ ...resume, agentId: 'billing', conversationId: 'c-1' }),
    );
    expect(otherAgent).toMatchObject({ isError: true, stopReason: 'session-not-found' });
    // Another conversation of acme that names acme's session: not acme's live child either.
    await runtime.run(runRequest({ ...resume, conversationId: 'c-2' }));
    expect(runtime.warmSessionStats()).toMatchObject({ warmTurns: 0, coldStarts: 4 });
    expect(model.requests.map((request) => allMessageText(request)).join('\n')).not.toMatch(/globex|billing/);
    // acme's own next turn is still warm.
    const next = await runtime.run(runRequest({ ...resume, conversationId: 'c-1' }));
    expect(next.text).toBe('Noted: What was the secret?');
    expect(runtime.warmSessionStats()).toMatchObject({ warmTurns: 1 });
  });

  it('resumes cold when the conversation took turns on another instance meanwhile', async () => {
    const { model, runtime } = await startSimulatedRuntime(noted, { warmSessions: {} });
    const elsewhere = runtimeFor(model);
    const base = { conversationId: 'c-1', sessions: new MemorySessionStore() };
    const results = await conversation(runtime, ['My order is A-1001.'], base);
    // The conversation moves to another instance for a turn (same session id, resumed from the store)…
    results.push(await nextTurn(elsewhere, results, { ...base, prompt: 'Deliver it to 5 Elm Street.' }));
    expect(results[1]!.sessionId).toBe(results[0]!.sessionId);
    // …and back: the live child here lacks that turn, so this turn resumes cold from the store.
    results.push(await nextTurn(runtime, results, { ...base, prompt: 'Where will it go?' }));
    expect(allMessageText(model.requests.at(-1)!)).toContain('Deliver it to 5 Elm Street.');
    expect(runtime.warmSessionStats()).toMatchObject({ coldStarts: 2, warmTurns: 1, evicted: 1 });
    // The next turn here is warm again.
    results.push(await nextTurn(runtime, results, { ...base, prompt: 'Thanks' }));
    expect(runtime.warmSessionStats()).toMatchObject({ coldStarts: 2, warmTurns: 2 });
  });

  it('closes a session whose conversation ran a turn beside it, once its own turn ends', async () => {
    const { model, runtime } = await startSimulatedRuntime(
      (_request, context) => ({
        text: `Noted: ${context.lastUserText}`,
        ...(context.lastUserText === 'slow' ? { delayMs: 1_500 } : {}),
      }),
      { warmSessions: {} },
    );
    const base = { conversationId: 'c-1', sessions: new MemorySessionStore() };
    const results = await conversation(runtime, ['First'], base);
    const slow = nextTurn(runtime, results, { ...base, prompt: 'slow' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const beside = await nextTurn(runtime, results, { ...base, prompt: 'Meanwhile' });
    expect(beside.text).toBe('Noted: Meanwhile');
    expect((await slow).text).toBe('Noted: slow');
    expect(runtime.warmSessionStats()).toMatchObject({ live: 0, warmTurns: 1, coldStarts: 1 });
    expect(model.requests.length).toBeGreaterThanOrEqual(3);
  });

  it('counts maxTurns per turn on a warm session, as on a cold one', async () => {
    const { runtime } = await startSimulatedRuntime(
      callToolThenReply({ toolUse: writeNotes, reply: quoteResult }),
      { warmSessions: {} },
    );
    // Each turn makes two model calls (the tool call, then the reply): within 2, not within 2 per session.
    const base = { conversationId: 'c-1', sessions: new MemorySessionStore(), maxTurns: 2 };
    const results = await conversation(runtime, ['One', 'Two', 'Three'], base);
    expect(results.map((result) => result.stopReason)).toEqual(['completed', 'completed', 'completed']);
    expect(runtime.warmSessionStats()).toMatchObject({ coldStarts: 1, warmTurns: 2 });
  });
});
