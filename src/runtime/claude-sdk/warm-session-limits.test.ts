/**
 * The limits of the warm-session pool with real CLI children against the simulated model: count (least
 * recently used first), idle time, memory budget, and a turn that times out; an evicted conversation
 * resumes cold from the store.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../../test/support/memory-session-store.js';
import {
  closeAfterEach,
  runRequest,
  startSimulatedRuntime,
  testRunsDirectory,
} from '../../../test/support/simulated-sdk-runtime.js';
import type { SimulatedResponder } from '../../simulator/index.js';
import type { RuntimeRequest, RuntimeResult } from '../types.js';
import type { ClaudeAgentSdkRuntime } from './claude-sdk-runtime.js';

closeAfterEach();

const noted: SimulatedResponder = (request, context) => ({
  text: `Noted: ${context.lastUserText} (${JSON.stringify(request.messages).includes('remember me') ? 'remembered' : 'new'})`,
  ...(context.lastUserText === 'slow' ? { delayMs: 5_000 } : {}),
});

/** Runs one turn of a conversation and returns it with the session id for the next. */
function turn(
  runtime: ClaudeAgentSdkRuntime,
  conversationId: string,
  prompt: string,
  sessions: MemorySessionStore,
  previous?: RuntimeResult,
  extra: Partial<RuntimeRequest> = {},
): Promise<RuntimeResult> {
  return runtime.run(
    runRequest({
      conversationId,
      prompt,
      sessions,
      ...(previous?.sessionId ? { resumeSessionId: previous.sessionId } : {}),
      ...extra,
    }),
  );
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The CLI children of this file's runtimes, found by the CLAUDE_CONFIG_DIR in their environment. */
function cliChildren(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(
          `CLAUDE_CONFIG_DIR=${testRunsDirectory()}`,
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('warm session limits', () => {
  it('evicts the least recently used session beyond `max`; its conversation resumes cold', async () => {
    const { runtime } = await startSimulatedRuntime(noted, { warmSessions: { max: 1 } });
    const sessions = new MemorySessionStore();
    const a1 = await turn(runtime, 'a', 'remember me', sessions);
    const b1 = await turn(runtime, 'b', 'hello', sessions);
    expect(runtime.warmSessionStats()).toMatchObject({ live: 1, coldStarts: 2, evicted: 1 });
    const a2 = await turn(runtime, 'a', 'again', sessions, a1);
    expect(a2.text).toBe('Noted: again (remembered)');
    expect(a2.sessionId).toBe(a1.sessionId);
    expect(runtime.warmSessionStats()).toMatchObject({ live: 1, coldStarts: 3, warmTurns: 0, evicted: 2 });
    expect(b1.sessionId).not.toBe(a1.sessionId);
  });

  it('closes a session idle longer than `idleMs`', async () => {
    const { runtime } = await startSimulatedRuntime(noted, { warmSessions: { idleMs: 200 } });
    const sessions = new MemorySessionStore();
    const first = await turn(runtime, 'a', 'remember me', sessions);
    expect(runtime.warmSessionStats()?.live).toBe(1);
    await until(() => runtime.warmSessionStats()?.live === 0, 5_000);
    expect(runtime.warmSessionStats()).toMatchObject({ live: 0, evicted: 1 });
    const second = await turn(runtime, 'a', 'again', sessions, first);
    expect(second.text).toBe('Noted: again (remembered)');
    expect(runtime.warmSessionStats()).toMatchObject({ coldStarts: 2, warmTurns: 0 });
  });

  it.skipIf(!existsSync('/proc/self/status'))(
    'keeps the children within `memoryBudgetMb`, measured from /proc',
    async () => {
      // A CLI child holds about 200 MB: a budget of 50 MB keeps none once its turn is over.
      const { runtime } = await startSimulatedRuntime(noted, { warmSessions: { memoryBudgetMb: 50 } });
      const sessions = new MemorySessionStore();
      const first = await turn(runtime, 'a', 'remember me', sessions);
      expect(runtime.warmSessionStats()).toMatchObject({ live: 0, evicted: 1 });
      const second = await turn(runtime, 'a', 'again', sessions, first);
      expect(second.text).toBe('Noted: again (remembered)');
    },
  );

  it('closes the session of a warm turn that times out; the next turn resumes cold', async () => {
    const { runtime } = await startSimulatedRuntime(noted, { warmSessions: {} });
    const sessions = new MemorySessionStore();
    const first = await turn(runtime, 'a', 'remember me', sessions);
    const slow = turn(runtime, 'a', 'slow', sessions, first, { timeoutMs: 500 });
    await expect(slow).rejects.toMatchObject({ code: 'runtime-timeout' });
    expect(runtime.warmSessionStats()).toMatchObject({ live: 0, warmTurns: 1, evicted: 1 });
    const third = await turn(runtime, 'a', 'again', sessions, first);
    expect(third.text).toBe('Noted: again (remembered)');
    expect(runtime.warmSessionStats()).toMatchObject({ coldStarts: 2 });
  });

  it.skipIf(!existsSync('/proc/self/environ'))(
    'starts a turn over on a new session when the idle child had died',
    async () => {
      const { runtime } = await startSimulatedRuntime(noted, { warmSessions: {} });
      const sessions = new MemorySessionStore();
      const first = await turn(runtime, 'a', 'remember me', sessions);
      const children = cliChildren();
      expect(children.length).toBeGreaterThan(0);
      for (const pid of children) process.kill(pid, 'SIGKILL');
      await until(() => cliChildren().length === 0, 5_000);
      const second = await turn(runtime, 'a', 'again', sessions, first);
      expect(second.text).toBe('Noted: again (remembered)');
      expect(runtime.warmSessionStats()).toMatchObject({ live: 1, coldStarts: 2, warmTurns: 1 });
    },
  );
});
