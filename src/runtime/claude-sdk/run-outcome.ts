/** What one run has seen, and the errors a run that ended without a usable result fails with. */
import type { SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import { StewardError } from '../../errors/index.js';
import type { RuntimeRequest, RuntimeResult } from '../types.js';
import { type CostBaseline, readResult } from './result-reader.js';
import type { ToolCallTracker } from './tool-call-tracker.js';

/** Why a run's abort controller fired. */
export type StopCause = 'timeout' | 'aborted';

/** What one run has seen so far. */
export interface RunState {
  result?: SDKResultMessage;
  sessionId?: string;
  lastAssistantText: string;
  stderrTail: string;
  thrown?: unknown;
  /** The spend of earlier turns a resumed session carries in its totals. */
  baseline: CostBaseline;
}

/** The error of a run that timed out, was aborted, or ended without a result (with the CLI's stderr). */
export function runFailure(
  request: RuntimeRequest,
  stopCause: StopCause | undefined,
  state: RunState,
  timeoutMs: number,
): StewardError {
  const thrown = state.thrown;
  const details = { interactionId: request.interactionId, tenantId: request.tenantId };
  if (stopCause === 'timeout') {
    const message = `the model run took longer than ${timeoutMs} ms and was stopped`;
    return new StewardError('runtime-timeout', message, { cause: thrown, details });
  }
  if (stopCause === 'aborted') {
    const message = 'the model run was aborted by the caller';
    return new StewardError('aborted', message, { cause: thrown, details });
  }
  const reason =
    thrown instanceof Error ? thrown.message : thrown === undefined ? 'no result' : String(thrown);
  const stderr = state.stderrTail.trim();
  return new StewardError(
    'runtime-failed',
    `the Claude Agent SDK run ended without a result: ${reason}${stderr ? `\nCLI stderr: ${stderr}` : ''}`,
    { cause: thrown, details: { ...details, stderr } },
  );
}

/** Checks what the SDK would only fail on later, after a CLI child was spawned for nothing. */
export function validateRequest(request: RuntimeRequest): void {
  const problems: string[] = [];
  if (typeof request?.tenantId !== 'string' || request.tenantId === '') {
    problems.push('tenantId must be a non-empty string');
  }
  if (typeof request?.agentId !== 'string' || request.agentId === '') {
    problems.push('agentId must be a non-empty string');
  }
  if (typeof request?.prompt !== 'string') problems.push('prompt must be a string');
  if (request?.timeoutMs !== undefined && !(Number.isFinite(request.timeoutMs) && request.timeoutMs > 0)) {
    problems.push('timeoutMs must be a number > 0');
  }
  if (request?.resumeSessionId && !request.sessions) {
    problems.push(
      'resumeSessionId needs `sessions` (a SessionTranscriptStore): every run starts in a fresh directory, ' +
        'so a session can only be resumed from the store',
    );
  }
  if (problems.length > 0) {
    throw new StewardError('invalid-request', `invalid runtime request: ${problems.join('; ')}`);
  }
}

/** The runtime's result of a run from the SDK's result message: reply, cost, usage, tool calls, stop reason. */
export function toRuntimeResult(
  result: SDKResultMessage,
  state: RunState,
  tracker: ToolCallTracker,
  startedAt: number,
  queueWaitMs: number,
  simulatedModel: boolean,
): RuntimeResult {
  const summary = readResult(result, state.lastAssistantText, state.baseline);
  for (const denial of summary.permissionDenials) {
    tracker.deniedBySdk(denial.toolUseId, denial.toolName, denial.input);
  }
  const runtimeResult: RuntimeResult = {
    text: summary.text,
    costUsd: summary.costUsd,
    usage: summary.usage,
    toolCalls: tracker.list(),
    permissionDenials: summary.permissionDenials.map(({ toolName, toolUseId }) => ({
      toolName,
      toolUseId,
    })),
    stopReason: summary.stopReason,
    isError: summary.isError,
    numTurns: summary.numTurns,
    // Wall clock from spawn to result: the SDK's duration_ms leaves out the CLI's ~0.5 s start.
    durationMs: Date.now() - startedAt,
    queueWaitMs,
    simulatedModel,
  };
  const sessionId = summary.sessionId || state.sessionId;
  if (sessionId) runtimeResult.sessionId = sessionId;
  if (summary.errorMessage !== undefined) runtimeResult.errorMessage = summary.errorMessage;
  return runtimeResult;
}
