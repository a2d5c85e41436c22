/**
 * Drives the real Claude Agent SDK and its bundled CLI against the simulated Messages API on 127.0.0.1.
 * Each run spawns a CLI child (about 1 s each).
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StewardError } from '../../errors/index.js';
import {
  allMessageText,
  callToolThenReply,
  failWithHttpError,
  keepCallingTool,
  replyWithText,
} from '../../simulator/responders.js';
import { type SimulatedModel, startSimulatedModel } from '../../simulator/simulated-model.js';
import type { SimulatedResponder } from '../../simulator/types.js';
import type {
  PermissionSource,
  RuntimeEvent,
  RuntimeRequest,
  SessionTranscriptKey,
  SessionTranscriptStore,
  ToolPermissionGuard,
} from '../types.js';
import { ClaudeAgentSdkRuntime } from './claude-sdk-runtime.js';
import type { ClaudeAgentSdkRuntimeOptions } from './runtime-options.js';

/** Keeps transcripts in memory, keyed like a real store would key them. */
class MemorySessionStore implements SessionTranscriptStore {
  readonly entries = new Map<string, Array<Record<string, unknown>>>();
  private keyOf(key: SessionTranscriptKey): string {
    return JSON.stringify([key.projectKey, key.sessionId, key.subpath ?? null]);
  }
  async append(key: SessionTranscriptKey, entries: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    const stored = this.entries.get(this.keyOf(key)) ?? [];
    // Stored as JSON, as a database would, so nothing shares references with the SDK.
    stored.push(...(JSON.parse(JSON.stringify(entries)) as Array<Record<string, unknown>>));
    this.entries.set(this.keyOf(key), stored);
  }
  async load(key: SessionTranscriptKey): Promise<Array<Record<string, unknown>> | null> {
    const stored = this.entries.get(this.keyOf(key));
    return stored ? (JSON.parse(JSON.stringify(stored)) as Array<Record<string, unknown>>) : null;
  }
  async listSubkeys(key: { projectKey: string; sessionId: string }): Promise<string[]> {
    return [...this.entries.keys()]
      .map((stored) => JSON.parse(stored) as [string, string, string | null])
      .filter(
        ([projectKey, sessionId, subpath]) =>
          projectKey === key.projectKey && sessionId === key.sessionId && subpath,
      )
      .map(([, , subpath]) => subpath as string);
  }
  async delete(key: SessionTranscriptKey): Promise<void> {
    this.entries.delete(this.keyOf(key));
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  respond: SimulatedResponder,
  options: Partial<ClaudeAgentSdkRuntimeOptions> = {},
): Promise<{ model: SimulatedModel; runtime: ClaudeAgentSdkRuntime }> {
  const model = await startSimulatedModel({ respond });
  cleanups.push(() => model.close());
  const runtime = new ClaudeAgentSdkRuntime({ baseUrl: model.url, simulatedModel: true, ...options });
  cleanups.push(() => runtime.close());
  return { model, runtime };
}

function request(overrides: Partial<RuntimeRequest> = {}): RuntimeRequest & { events: RuntimeEvent[] } {
  const events: RuntimeEvent[] = [];
  return {
    tenantId: 'acme',
    agentId: 'support',
    interactionId: 'interaction-1',
    prompt: 'Please help me',
    onEvent: (event) => events.push(event),
    events,
    ...overrides,
  };
}

/** A guard that records where it was asked, and answers with `answer`. */
function recordingGuard(answer: ToolPermissionGuard['decide']): ToolPermissionGuard & {
  asked: Array<{ toolName: string; source: PermissionSource }>;
} {
  const asked: Array<{ toolName: string; source: PermissionSource }> = [];
  return {
    asked,
    decide: (toolName, input, context) => {
      asked.push({ toolName, source: context.source });
      return answer(toolName, input, context);
    },
  };
}

const writeNotes = { name: 'Write', input: { file_path: 'notes.txt', content: 'remember the milk' } };
const quoteResult = (result: { content: string; isError: boolean }) =>
  `${result.isError ? 'Tool refused' : 'Tool said'}: ${result.content}`;

describe('ClaudeAgentSdkRuntime with the real SDK and CLI', () => {
  it('returns the model’s text with a nonzero cost, token usage and a session id', async () => {
    const { model, runtime } = await setup(replyWithText('Hello! How can I help?'));
    const run = request({ systemPrompt: 'You are the support agent of Acme.' });
    const startedAt = Date.now();
    const result = await runtime.run(run);
    const elapsedMs = Date.now() - startedAt;

    expect(result.text).toBe('Hello! How can I help?');
    expect(result.stopReason).toBe('completed');
    expect(result.isError).toBe(false);
    expect(result.simulatedModel).toBe(true);
    expect(result.costUsd).toBeGreaterThan(0);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.usage.cacheReadInputTokens).toBeGreaterThan(0);
    expect(result.numTurns).toBe(1);
    expect(result.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.toolCalls).toEqual([]);
    expect(result.queueWaitMs).toBe(0);
    expect(run.events).toEqual([
      { type: 'session-started', sessionId: result.sessionId },
      { type: 'assistant-text', text: 'Hello! How can I help?' },
    ]);
    // One model call, with our system prompt and the user's text; no side requests with our environment.
    expect(model.requests).toHaveLength(1);
    expect(JSON.stringify(model.requests[0]?.system)).toContain('You are the support agent of Acme.');
    expect(allMessageText(model.requests[0]!)).toContain('Please help me');
    expect(model.sideRequests).toEqual([]);
    expect(model.unexpectedRequests).toEqual([]);
    expect(elapsedMs).toBeLessThan(15_000);
    expect(runtime.stats()).toEqual({ running: 0, queued: 0, limit: 4 });
  });

  it('runs an allowed Write inside a temporary working directory and reports the tool call', async () => {
    const { model, runtime } = await setup(callToolThenReply({ toolUse: writeNotes, reply: quoteResult }));
    let writtenPath: string | undefined;
    let writtenContent: string | undefined;
    const guard = recordingGuard((_toolName, input) => {
      // The CLI resolves the model's relative path against the run's working directory before asking.
      if (typeof input.file_path === 'string') writtenPath = input.file_path;
      return { behavior: 'allow', updatedInput: input };
    });
    const run = request({ permissionGuard: guard });
    run.onEvent = (event) => {
      run.events.push(event);
      // The run's directory is removed when the run ends, so look at the file while it runs.
      if (event.type === 'tool-call-completed' && writtenPath && existsSync(writtenPath)) {
        writtenContent = readFileSync(writtenPath, 'utf8');
      }
    };
    const result = await runtime.run(run);

    expect(result.text).toMatch(/^Tool said: File created successfully/);
    expect(writtenContent).toBe('remember the milk');
    expect(writtenPath?.startsWith(tmpdir())).toBe(true);
    expect(writtenPath).toMatch(/steward-run-[^/]+\/work\/notes\.txt$/);
    expect(existsSync(writtenPath!)).toBe(false);
    expect(guard.asked).toEqual([
      { toolName: 'Write', source: 'pre-tool-use-hook' },
      { toolName: 'Write', source: 'can-use-tool' },
    ]);
    expect(result.toolCalls).toEqual([
      expect.objectContaining({
        toolName: 'Write',
        status: 'succeeded',
        toolUseId: expect.stringMatching(/^toolu_/),
      }),
    ]);
    expect(run.events.map((event) => event.type)).toEqual([
      'session-started',
      'tool-call-requested',
      'tool-call-decided',
      'tool-call-decided',
      'tool-call-completed',
      'assistant-text',
    ]);
    expect(result.permissionDenials).toEqual([]);
    expect(result.numTurns).toBe(2);
    expect(model.requests).toHaveLength(2);
  });

  it('sends a canUseTool denial back to the model as an error tool_result, and the run goes on', async () => {
    const { model, runtime } = await setup(callToolThenReply({ toolUse: writeNotes, reply: quoteResult }));
    const guard = recordingGuard((_toolName, input, context) =>
      context.source === 'can-use-tool'
        ? { behavior: 'deny', message: 'Writing files needs trust level 0.6; this agent is at 0.2.' }
        : { behavior: 'allow', updatedInput: input },
    );
    const run = request({ permissionGuard: guard });
    const result = await runtime.run(run);

    const deniedResult = model.requests[1]?.messages
      .flatMap((message) => (typeof message.content === 'string' ? [] : message.content))
      .find((block) => block.type === 'tool_result');
    expect(deniedResult).toMatchObject({
      is_error: true,
      content: 'Writing files needs trust level 0.6; this agent is at 0.2.',
    });
    expect(result.text).toBe('Tool refused: Writing files needs trust level 0.6; this agent is at 0.2.');
    expect(result.stopReason).toBe('completed');
    expect(result.isError).toBe(false);
    expect(result.permissionDenials).toEqual([
      { toolName: 'Write', toolUseId: expect.stringMatching(/^toolu_/) },
    ]);
    expect(result.toolCalls).toEqual([
      expect.objectContaining({
        toolName: 'Write',
        status: 'denied',
        message: 'Writing files needs trust level 0.6; this agent is at 0.2.',
      }),
    ]);
    expect(run.events).toContainEqual(
      expect.objectContaining({
        type: 'tool-call-decided',
        source: 'can-use-tool',
        decision: expect.objectContaining({ behavior: 'deny' }),
      }),
    );
    expect(
      run.events.some((event) => event.type === 'tool-call-completed' || event.type === 'tool-call-failed'),
    ).toBe(false);
  });

  it('blocks a tool with a deny that comes only from the PreToolUse hook; canUseTool is then not asked', async () => {
    const { model, runtime } = await setup(callToolThenReply({ toolUse: writeNotes, reply: quoteResult }));
    const guard = recordingGuard((_toolName, input, context) =>
      context.source === 'pre-tool-use-hook'
        ? { behavior: 'deny', message: 'Blocked by the pre-tool-use check.' }
        : { behavior: 'allow', updatedInput: input },
    );
    const result = await runtime.run(request({ permissionGuard: guard }));

    expect(guard.asked).toEqual([{ toolName: 'Write', source: 'pre-tool-use-hook' }]);
    expect(result.text).toBe('Tool refused: Blocked by the pre-tool-use check.');
    expect(result.toolCalls).toEqual([
      expect.objectContaining({
        toolName: 'Write',
        status: 'denied',
        message: 'Blocked by the pre-tool-use check.',
      }),
    ]);
    expect(result.permissionDenials).toHaveLength(1);
    expect(model.requests).toHaveLength(2);
  });

  it('guards tools the CLI runs without asking canUseTool (a read-only Bash command) through the hook', async () => {
    const { runtime } = await setup(
      callToolThenReply({ toolUse: { name: 'Bash', input: { command: 'echo hi' } }, reply: quoteResult }),
    );
    const allowing = recordingGuard((_toolName, input) => ({ behavior: 'allow', updatedInput: input }));
    const allowed = await runtime.run(request({ permissionGuard: allowing }));
    expect(allowing.asked).toEqual([{ toolName: 'Bash', source: 'pre-tool-use-hook' }]);
    expect(allowed.text).toBe('Tool said: hi');

    const denying = recordingGuard(() => ({ behavior: 'deny', message: 'No shell for this agent.' }));
    const denied = await runtime.run(request({ permissionGuard: denying }));
    // For Bash the CLI words a hook deny as "PreToolUse:Bash hook error: <message>".
    expect(denied.text).toMatch(/^Tool refused: .*No shell for this agent\.$/);
    expect(denied.toolCalls).toEqual([expect.objectContaining({ toolName: 'Bash', status: 'denied' })]);
  });

  it('denies when the guard itself throws (fail closed)', async () => {
    const { runtime } = await setup(callToolThenReply({ toolUse: writeNotes, reply: quoteResult }));
    const result = await runtime.run(
      request({
        permissionGuard: {
          decide: () => {
            throw new Error('trust store unavailable');
          },
        },
      }),
    );
    expect(result.text).toBe('Tool refused: Permission check failed: trust store unavailable');
    expect(result.toolCalls).toEqual([expect.objectContaining({ toolName: 'Write', status: 'denied' })]);
  });

  it('records a call of a tool the session does not have as failed', async () => {
    const { runtime } = await setup(
      callToolThenReply({ toolUse: { name: 'NoSuchTool', input: {} }, reply: quoteResult }),
    );
    const run = request();
    const result = await runtime.run(run);
    expect(result.text).toMatch(/^Tool refused: .*No such tool available: NoSuchTool/);
    expect(result.toolCalls).toEqual([
      expect.objectContaining({
        toolName: 'NoSuchTool',
        status: 'failed',
        message: expect.stringContaining('No such tool available'),
      }),
    ]);
    expect(run.events).toContainEqual(
      expect.objectContaining({ type: 'tool-call-failed', toolName: 'NoSuchTool' }),
    );
  });

  it('runs an in-process MCP tool: the handler gets the input, the model gets its output', async () => {
    const received: unknown[] = [];
    const { runtime } = await setup(
      callToolThenReply({
        toolUse: { name: 'mcp__shop__lookup_order', input: { orderNumber: 'A-1001' } },
        reply: quoteResult,
      }),
      {
        mcpTools: [
          {
            server: 'shop',
            name: 'lookup_order',
            description: 'Looks up an order by its number',
            inputSchema: { orderNumber: z.string() },
            handler: async (input) => {
              received.push(input);
              return { orderNumber: input.orderNumber, status: 'shipped' };
            },
          },
        ],
      },
    );
    const run = request();
    const result = await runtime.run(run);

    expect(received).toEqual([{ orderNumber: 'A-1001' }]);
    expect(result.text).toBe('Tool said: {"orderNumber":"A-1001","status":"shipped"}');
    expect(result.toolCalls).toEqual([
      expect.objectContaining({ toolName: 'mcp__shop__lookup_order', status: 'succeeded' }),
    ]);
    expect(run.events).toContainEqual(
      expect.objectContaining({ type: 'tool-call-completed', toolName: 'mcp__shop__lookup_order' }),
    );
  });

  it('stops at maxBudgetUsd with stopReason max-budget', async () => {
    const { model, runtime } = await setup(
      keepCallingTool({ name: 'Write', input: { file_path: 'a.txt', content: 'x' } }),
    );
    const result = await runtime.run(request({ maxBudgetUsd: 0.005 }));

    expect(result.stopReason).toBe('max-budget');
    expect(result.isError).toBe(true);
    expect(result.errorMessage).toBe('Reached maximum budget ($0.005)');
    // The budget is checked after each model call: the call that crosses it is spent.
    expect(result.costUsd).toBeGreaterThan(0.005);
    expect(model.requests).toHaveLength(1);
  });

  it('returns an is_error result (not a throw) when the API answers HTTP 500 and retries are off', async () => {
    const { model, runtime } = await setup(failWithHttpError(500, 'api_error', 'Internal server error'), {
      extraEnv: { CLAUDE_CODE_MAX_RETRIES: '0' },
    });
    const run = request();
    const result = await runtime.run(run);

    expect(result.isError).toBe(true);
    expect(result.stopReason).toBe('error');
    expect(result.errorMessage).toMatch(/^API Error: 500 Internal server error/);
    // The CLI's synthetic "API Error" assistant message is not the model's reply.
    expect(result.text).toBe('');
    expect(run.events.some((event) => event.type === 'assistant-text')).toBe(false);
    expect(result.costUsd).toBe(0);
    expect(model.requests).toHaveLength(1);
  });

  it('ends a run that takes too long with runtime-timeout, without waiting for the CLI to exit', async () => {
    const { runtime } = await setup(() => ({ text: 'too late', delayMs: 30_000 }));
    const startedAt = Date.now();
    const error = await runtime.run(request({ timeoutMs: 1_000 })).catch((caught: unknown) => caught);
    const elapsedMs = Date.now() - startedAt;

    expect(StewardError.isInstance(error) && error.code).toBe('runtime-timeout');
    expect((error as Error).message).toBe('the model run took longer than 1000 ms and was stopped');
    expect(elapsedMs).toBeLessThan(2_000);
    // The slot stays taken until the child is gone; close() waits for that.
    await runtime.close();
    expect(runtime.stats().running).toBe(0);
  });

  it('rejects with aborted when the caller’s signal fires', async () => {
    const { runtime } = await setup(() => ({ text: 'too late', delayMs: 30_000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 800);
    const error = await runtime
      .run(request({ signal: controller.signal }))
      .catch((caught: unknown) => caught);
    expect(StewardError.isInstance(error) && error.code).toBe('aborted');
  });

  it('throws runtime-failed when the CLI cannot be started', async () => {
    const { model, runtime } = await setup(replyWithText('unused'), {
      pathToClaudeCodeExecutable: '/nonexistent/claude',
    });
    const error = await runtime.run(request()).catch((caught: unknown) => caught);
    expect(StewardError.isInstance(error) && error.code).toBe('runtime-failed');
    expect((error as Error).message).toMatch(/ended without a result: .*\/nonexistent\/claude/);
    expect(model.requests).toHaveLength(0);
    expect(runtime.stats().running).toBe(0);
  });

  it('resumes a session on a new runtime instance through the SessionTranscriptStore', async () => {
    const respond: SimulatedResponder = (_request, context) => ({ text: `Noted: ${context.lastUserText}` });
    const { model, runtime } = await setup(respond);
    const sessions = new MemorySessionStore();
    const first = await runtime.run(request({ prompt: 'My order number is A-1001.', sessions }));
    expect(first.sessionId).toBeDefined();
    // Flushed before run() resolved: the store already holds the whole turn.
    expect(JSON.stringify([...sessions.entries.values()])).toContain('Noted: My order number is A-1001.');
    expect([...sessions.entries.keys()][0]).toContain('steward:acme:support');

    const secondRuntime = new ClaudeAgentSdkRuntime({ baseUrl: model.url, simulatedModel: true });
    cleanups.push(() => secondRuntime.close());
    const second = await secondRuntime.run(
      request({
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
      request({
        tenantId: 'globex',
        prompt: 'What was the order?',
        sessions,
        resumeSessionId: first.sessionId!,
      }),
    );
    expect(intruder).toMatchObject({ isError: true, stopReason: 'error', numTurns: 0, costUsd: 0 });
    expect(intruder.errorMessage).toBe(`No conversation found with session ID: ${first.sessionId}`);
    expect(model.requests).toHaveLength(2);
  });

  it('queues runs beyond its concurrency and reports the wait', async () => {
    const waits: number[] = [];
    const { runtime } = await setup(replyWithText('ok'), {
      concurrency: 1,
      onQueueWait: (waitMs) => waits.push(waitMs),
    });
    const [first, second] = await Promise.all([
      runtime.run(request({ tenantId: 'tenant-a' })),
      runtime.run(request({ tenantId: 'tenant-b' })),
    ]);
    expect(first.queueWaitMs).toBeLessThan(50);
    // The second tenant waited for the whole first run (a CLI start and a model call).
    expect(second.queueWaitMs).toBeGreaterThan(200);
    expect(waits).toEqual([first.queueWaitMs, second.queueWaitMs]);
  });
});
