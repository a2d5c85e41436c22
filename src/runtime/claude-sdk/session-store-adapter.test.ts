/** Session resume through the SDK's sessionStore, backed by a SessionTranscriptStore, with the real CLI. */
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
import { sessionProjectKey } from './session-store-adapter.js';

closeAfterEach();

describe('session resume through the SessionTranscriptStore', () => {
  it('resumes a session on a new runtime instance through the SessionTranscriptStore', async () => {
    const respond: SimulatedResponder = (_request, context) => ({ text: `Noted: ${context.lastUserText}` });
    const { model, runtime } = await startSimulatedRuntime(respond);
    const sessions = new MemorySessionStore();
    const first = await runtime.run(runRequest({ prompt: 'My order number is A-1001.', sessions }));
    expect(first.sessionId).toBeDefined();
    // Flushed before run() resolved: the store already holds the whole turn.
    expect(JSON.stringify([...sessions.entries.values()])).toContain('Noted: My order number is A-1001.');
    expect([...sessions.entries.keys()][0]).toContain('steward:acme:support');

    const secondRuntime = runtimeFor(model);
    const second = await secondRuntime.run(
      runRequest({
        prompt: 'Where is my order?',
        sessions,
        resumeSessionId: first.sessionId!,
        interactionId: 'interaction-2',
      }),
    );

    expect(second.text).toBe('Noted: Where is my order?');
    expect(second.sessionId).toBe(first.sessionId);
    const turnTwo = allMessageText(model.requests[1]!);
    expect(turnTwo).toContain('My order number is A-1001.');
    expect(turnTwo).toContain('Noted: My order number is A-1001.');
    expect(turnTwo).toContain('Where is my order?');
    // The CLI carries the session's running total over; the runtime reports this run's own share.
    expect(second.costUsd).toBeGreaterThan(0);
    expect(second.costUsd).toBeLessThan(first.costUsd * 1.5);

    // Transcripts are keyed by tenant and agent: another tenant cannot resume this session.
    const intruder = await secondRuntime.run(
      runRequest({
        tenantId: 'globex',
        prompt: 'What was the order?',
        sessions,
        resumeSessionId: first.sessionId!,
      }),
    );
    expect(intruder).toMatchObject({
      isError: true,
      stopReason: 'session-not-found',
      numTurns: 0,
      costUsd: 0,
    });
    expect(intruder.errorMessage).toBe(`No conversation found with session ID: ${first.sessionId}`);
    expect(model.requests).toHaveLength(2);
  });

  it('keys transcripts by tenant and agent', () => {
    expect(sessionProjectKey('acme', 'support')).toBe('steward:acme:support');
    expect(sessionProjectKey('a:b', 'c')).toBe('steward:a%3Ab:c');
  });
});
