/** The permission guard in canUseTool and the PreToolUse hook, through the real SDK and CLI. */
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  closeAfterEach,
  quoteResult,
  recordingGuard,
  runRequest,
  startSimulatedRuntime,
  testWorkspacesDirectory,
  writeNotes,
} from '../../../test/support/simulated-sdk-runtime.js';
import { callToolThenReply } from '../../simulator/index.js';

closeAfterEach();

describe('the permission guard in the SDK’s permission path', () => {
  it('runs an allowed Write inside the agent’s workspace and reports the tool call', async () => {
    const { model, runtime } = await startSimulatedRuntime(
      callToolThenReply({ toolUse: writeNotes, reply: quoteResult }),
    );
    let writtenPath: string | undefined;
    const guard = recordingGuard((_toolName, input) => {
      // The CLI resolves the model's relative path against the run's working directory (the workspace).
      if (typeof input.file_path === 'string') writtenPath = input.file_path;
      return { behavior: 'allow', updatedInput: input };
    });
    const run = runRequest({ permissionGuard: guard });
    const result = await runtime.run(run);

    expect(result.text).toMatch(/^Tool said: File created successfully/);
    // The workspace outlives the run: the agent finds its files again next time.
    const workspace = join(realpathSync(testWorkspacesDirectory()), 'acme', 'support');
    expect(writtenPath).toBe(join(workspace, 'notes.txt'));
    expect(readFileSync(writtenPath!, 'utf8')).toBe('remember the milk');
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
    const { model, runtime } = await startSimulatedRuntime(
      callToolThenReply({ toolUse: writeNotes, reply: quoteResult }),
    );
    const guard = recordingGuard((_toolName, input, context) =>
      context.source === 'can-use-tool'
        ? { behavior: 'deny', message: 'Writing files needs trust level 0.6; this agent is at 0.2.' }
        : { behavior: 'allow', updatedInput: input },
    );
    const run = runRequest({ permissionGuard: guard });
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
    const { model, runtime } = await startSimulatedRuntime(
      callToolThenReply({ toolUse: writeNotes, reply: quoteResult }),
    );
    const guard = recordingGuard((_toolName, input, context) =>
      context.source === 'pre-tool-use-hook'
        ? { behavior: 'deny', message: 'Blocked by the pre-tool-use check.' }
        : { behavior: 'allow', updatedInput: input },
    );
    const result = await runtime.run(runRequest({ permissionGuard: guard }));

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
    const { runtime } = await startSimulatedRuntime(
      callToolThenReply({ toolUse: { name: 'Bash', input: { command: 'echo hi' } }, reply: quoteResult }),
    );
    const allowing = recordingGuard((_toolName, input) => ({ behavior: 'allow', updatedInput: input }));
    const allowed = await runtime.run(runRequest({ permissionGuard: allowing }));
    expect(allowing.asked).toEqual([{ toolName: 'Bash', source: 'pre-tool-use-hook' }]);
    expect(allowed.text).toBe('Tool said: hi');

    const denying = recordingGuard(() => ({ behavior: 'deny', message: 'No shell for this agent.' }));
    const denied = await runtime.run(runRequest({ permissionGuard: denying }));
    // For Bash the CLI words a hook deny as "PreToolUse:Bash hook error: <message>".
    expect(denied.text).toMatch(/^Tool refused: .*No shell for this agent\.$/);
    expect(denied.toolCalls).toEqual([expect.objectContaining({ toolName: 'Bash', status: 'denied' })]);
  });

  it('denies when the guard itself throws (fail closed)', async () => {
    const { runtime } = await startSimulatedRuntime(
      callToolThenReply({ toolUse: writeNotes, reply: quoteResult }),
    );
    const result = await runtime.run(
      runRequest({
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
});
