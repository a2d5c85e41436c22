import type { SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import { costBaselineOf, readResult, stopReasonOf } from './result-reader.js';

/** A result message as the CLI 2.1.331 wrote it, trimmed to the fields the reader uses. */
function resultMessage(overrides: Record<string, unknown>): SDKResultMessage {
  return {
    type: 'result',
    subtype: 'success',
    is_error: false,
    result: 'Done.',
    session_id: 'session-1',
    total_cost_usd: 0.03,
    duration_ms: 400,
    num_turns: 2,
    usage: {
      input_tokens: 10,
      output_tokens: 5,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 0,
    },
    modelUsage: {
      'claude-opus-5-5': {
        inputTokens: 200,
        outputTokens: 20,
        cacheReadInputTokens: 1000,
        cacheCreationInputTokens: 50,
      },
    },
    permission_denials: [{ tool_name: 'Write', tool_use_id: 'toolu_1', tool_input: { file_path: 'a' } }],
    errors: [],
    ...overrides,
  } as unknown as SDKResultMessage;
}

describe('readResult', () => {
  it('reads cost, whole-run usage from modelUsage, denials and the reply', () => {
    expect(readResult(resultMessage({}), 'ignored')).toEqual({
      text: 'Done.',
      sessionId: 'session-1',
      costUsd: 0.03,
      usage: { inputTokens: 200, outputTokens: 20, cacheReadInputTokens: 1000, cacheCreationInputTokens: 50 },
      permissionDenials: [{ toolName: 'Write', toolUseId: 'toolu_1', input: { file_path: 'a' } }],
      stopReason: 'completed',
      isError: false,
      numTurns: 2,
      durationMs: 400,
    });
  });

  it('maps the result subtypes to stop reasons', () => {
    expect(stopReasonOf(resultMessage({ subtype: 'error_max_budget_usd', is_error: true }))).toBe(
      'max-budget',
    );
    expect(stopReasonOf(resultMessage({ subtype: 'error_max_turns', is_error: true }))).toBe('max-turns');
    expect(stopReasonOf(resultMessage({ subtype: 'error_during_execution', is_error: true }))).toBe('error');
    expect(stopReasonOf(resultMessage({ subtype: 'success', is_error: true }))).toBe('error');
  });

  it('recognises a resume of a session the store does not hold', () => {
    const missing = 'No conversation found with session ID: 1234';
    const asErrors = { subtype: 'error_during_execution', is_error: true, num_turns: 0, errors: [missing] };
    expect(stopReasonOf(resultMessage(asErrors))).toBe('session-not-found');
    expect(stopReasonOf(resultMessage({ is_error: true, num_turns: 0, result: missing }))).toBe(
      'session-not-found',
    );
    // After a model call the same words are the model's, not the CLI's.
    expect(stopReasonOf(resultMessage({ is_error: true, num_turns: 1, result: missing }))).toBe('error');
  });

  it('takes the error text from `result` on an is_error success and from `errors` otherwise', () => {
    const apiError = readResult(resultMessage({ is_error: true, result: 'API Error: 529 Overloaded' }), '');
    expect(apiError).toMatchObject({ isError: true, errorMessage: 'API Error: 529 Overloaded', text: '' });
    const budget = readResult(
      resultMessage({
        subtype: 'error_max_budget_usd',
        is_error: true,
        errors: ['Reached maximum budget ($0.01)'],
      }),
      'Let me check that.',
    );
    expect(budget).toMatchObject({
      errorMessage: 'Reached maximum budget ($0.01)',
      text: 'Let me check that.',
    });
  });

  it('subtracts what a resumed session had spent before', () => {
    const baseline = costBaselineOf([
      { type: 'user' },
      {
        type: 'cost-state',
        totalCostUSD: 0.01,
        modelUsage: {
          m: { inputTokens: 80, outputTokens: 5, cacheReadInputTokens: 400, cacheCreationInputTokens: 0 },
        },
      },
      { type: 'assistant' },
    ]);
    const summary = readResult(resultMessage({}), '', baseline);
    expect(summary.costUsd).toBeCloseTo(0.02, 10);
    expect(summary.usage).toEqual({
      inputTokens: 120,
      outputTokens: 15,
      cacheReadInputTokens: 600,
      cacheCreationInputTokens: 50,
    });
    expect(costBaselineOf([{ type: 'user' }]).costUsd).toBe(0);
  });
});
