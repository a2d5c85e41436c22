/**
 * Warm sessions through the real SDK and CLI against the simulated model: the turns after a
 * conversation's first run on the same CLI child, each still guarded, budgeted and reported on its own.
 */
import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../../test/support/memory-session-store.js';
import {
  closeAfterEach,
  runRequest,
  runtimeFor,
  startSimulatedRuntime,
} from '../../../test/support/simulated-sdk-runtime.js';
import type { SimulatedResponder } from '../../simulator/index.js';
import { allMessageText } from '../../simulator/index.js';
import type { RuntimeRequest, RuntimeResult } from '../types.js';
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
    const previous = results.at(-1);
    results.push(
      await runtime.run(
        runRequest({
          ...base,
          prompt,
          interactionId: `turn-${index + 1}`,
          ...(previous?.sessionId ? { resumeSessionId: previous.sessionId } : {}),
        }),
      ),
    );
  }
  return results;
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
});
