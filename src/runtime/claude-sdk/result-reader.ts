/** Reads the SDK's result message into the runtime's terms: cost, usage, denials, stop reason, reply text. */
import type { SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import type { RuntimeStopReason, TokenUsage } from '../types.js';

export interface ResultSummary {
  text: string;
  sessionId: string;
  costUsd: number;
  usage: TokenUsage;
  permissionDenials: Array<{ toolName: string; toolUseId: string; input: Record<string, unknown> }>;
  stopReason: RuntimeStopReason;
  isError: boolean;
  errorMessage?: string;
  numTurns: number;
  durationMs: number;
}

/**
 * What a resumed session had already spent. The CLI restores a session's running totals from the last
 * `cost-state` entry of its transcript, so a resumed run's `total_cost_usd` and `modelUsage` include all
 * earlier turns; subtracting this baseline leaves the run's own share.
 */
export interface CostBaseline {
  costUsd: number;
  usage: TokenUsage;
}

export const zeroBaseline = (): CostBaseline => ({
  costUsd: 0,
  usage: { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
});

/** The totals of the newest `cost-state` entry of a transcript (zero when it has none). */
export function costBaselineOf(entries: ReadonlyArray<Record<string, unknown>>): CostBaseline {
  const costState = entries.findLast((entry) => entry.type === 'cost-state');
  if (!costState) return zeroBaseline();
  const perModel = Object.values((costState.modelUsage ?? {}) as Record<string, Record<string, unknown>>);
  return {
    costUsd: finite(costState.totalCostUSD),
    usage: sumUsage(perModel),
  };
}

function sumUsage(perModel: ReadonlyArray<Record<string, unknown>>): TokenUsage {
  return perModel.reduce<TokenUsage>(
    (sum, model) => ({
      inputTokens: sum.inputTokens + finite(model.inputTokens),
      outputTokens: sum.outputTokens + finite(model.outputTokens),
      cacheReadInputTokens: sum.cacheReadInputTokens + finite(model.cacheReadInputTokens),
      cacheCreationInputTokens: sum.cacheCreationInputTokens + finite(model.cacheCreationInputTokens),
    }),
    { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
  );
}

export function stopReasonOf(result: SDKResultMessage): RuntimeStopReason {
  switch (result.subtype) {
    case 'success':
      return result.is_error ? errorStopReason(result) : 'completed';
    case 'error_max_budget_usd':
      return 'max-budget';
    case 'error_max_turns':
      return 'max-turns';
    default:
      return errorStopReason(result);
  }
}

/** The CLI's answer to `resume` of a session the store does not hold comes before any model call. */
function errorStopReason(result: SDKResultMessage): RuntimeStopReason {
  return result.num_turns === 0 && /^No conversation found with session ID/.test(errorMessageOf(result))
    ? 'session-not-found'
    : 'error';
}

function errorMessageOf(result: SDKResultMessage): string {
  const message =
    result.subtype === 'success' ? result.result : result.errors.map((line) => line.trim()).join('; ');
  return message || result.subtype;
}

const finite = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * Token usage of the whole run. `modelUsage` covers every model call of the query (subagents and internal
 * calls included); `usage` only the main loop, so it is the fallback when `modelUsage` is empty.
 */
export function usageOf(result: SDKResultMessage): TokenUsage {
  const perModel = Object.values(result.modelUsage ?? {}) as unknown as Array<Record<string, unknown>>;
  if (perModel.length > 0) return sumUsage(perModel);
  const usage = result.usage;
  return {
    inputTokens: finite(usage?.input_tokens),
    outputTokens: finite(usage?.output_tokens),
    cacheReadInputTokens: finite(usage?.cache_read_input_tokens),
    cacheCreationInputTokens: finite(usage?.cache_creation_input_tokens),
  };
}

/**
 * @param lastAssistantText the text of the newest assistant message, the reply when the run stopped early
 *   (error subtypes carry no `result` text).
 * @param baseline what a resumed session had spent before this run, subtracted from the cumulative totals.
 */
export function readResult(
  result: SDKResultMessage,
  lastAssistantText: string,
  baseline: CostBaseline = zeroBaseline(),
): ResultSummary {
  const usage = usageOf(result);
  const summary: ResultSummary = {
    text: result.subtype === 'success' && !result.is_error ? result.result : lastAssistantText,
    sessionId: result.session_id,
    costUsd: Math.max(0, finite(result.total_cost_usd) - baseline.costUsd),
    usage: {
      inputTokens: Math.max(0, usage.inputTokens - baseline.usage.inputTokens),
      outputTokens: Math.max(0, usage.outputTokens - baseline.usage.outputTokens),
      cacheReadInputTokens: Math.max(0, usage.cacheReadInputTokens - baseline.usage.cacheReadInputTokens),
      cacheCreationInputTokens: Math.max(
        0,
        usage.cacheCreationInputTokens - baseline.usage.cacheCreationInputTokens,
      ),
    },
    permissionDenials: (result.permission_denials ?? []).map((denial) => ({
      toolName: denial.tool_name,
      toolUseId: denial.tool_use_id,
      input: denial.tool_input ?? {},
    })),
    stopReason: stopReasonOf(result),
    isError: result.is_error,
    numTurns: finite(result.num_turns),
    durationMs: finite(result.duration_ms),
  };
  if (result.is_error) summary.errorMessage = errorMessageOf(result);
  return summary;
}
