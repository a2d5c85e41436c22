/**
 * How a per-request ceiling becomes the SDK's `maxBudgetUsd`. The SDK checks its budget only after each
 * model call (measured: `maxBudgetUsd: 0.005` stopped after one call that cost $0.012), so a run may
 * overshoot `maxBudgetUsd` by up to one call. Passing `perRequest − one call's upper bound` keeps the
 * whole run within `perRequest`.
 */
import { StewardError } from '../../errors/index.js';

/** The smallest `maxBudgetUsd` handed to the SDK: one micro-dollar, i.e. "stop after the first call". */
export const minimumMaxBudgetUsd = 0.000001;

/**
 * The `maxBudgetUsd` that keeps a run within `perRequest`: before each call the run has spent less than
 * `maxBudgetUsd`, so after it less than `maxBudgetUsd + oneCallUsd = perRequest`. Clamped to
 * {@link minimumMaxBudgetUsd} when one call alone may cost `perRequest` or more (see {@link planRunBudget}).
 *
 * @example maxBudgetUsdFor(1.0, 0.14) // 0.86
 */
export function maxBudgetUsdFor(perRequestUsd: number, oneCallUsd: number): number {
  for (const [name, value] of [
    ['perRequest', perRequestUsd],
    ['oneCallUsd', oneCallUsd],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new StewardError('invalid-request', `${name} must be a finite number >= 0, received ${value}`);
    }
  }
  const remaining = Math.floor(Math.round((perRequestUsd - oneCallUsd) * 1e9) / 1e3) / 1e6;
  return Math.max(minimumMaxBudgetUsd, remaining);
}

export interface RunBudgetPlan {
  /** Pass to the SDK as `maxBudgetUsd`; undefined without a per-request ceiling. */
  maxBudgetUsd: number | undefined;
  /** Reserve this much in the daily budget: the most the run can cost. */
  reserveUsd: number;
  /** False when one call's upper bound alone exceeds `perRequest`: the run may cost up to `reserveUsd`. */
  withinPerRequest: boolean;
}

/**
 * The SDK ceiling and the reservation for one run. With `perRequest`, reserve `perRequest`; when one call
 * may cost more than that, the run stops after its first call and may cost `oneCallUsd`, so that is reserved.
 * Without `perRequest`, reserve the run's upper bound (`runUpperBoundUsd`) and pass no SDK ceiling.
 *
 * @example
 * const estimate = estimateRunCost({ model, promptChars, systemPromptChars, maxOutputTokens: 4096, turns: 4 });
 * planRunBudget({ perRequestUsd: 1, oneCallUsd: estimate.oneCallUsd, runUpperBoundUsd: estimate.totalUsd })
 */
export function planRunBudget(input: {
  perRequestUsd: number | undefined;
  oneCallUsd: number;
  runUpperBoundUsd: number;
}): RunBudgetPlan {
  if (input.perRequestUsd === undefined) {
    return { maxBudgetUsd: undefined, reserveUsd: input.runUpperBoundUsd, withinPerRequest: true };
  }
  const maxBudgetUsd = maxBudgetUsdFor(input.perRequestUsd, input.oneCallUsd);
  const worstCase = Math.ceil(Math.round((maxBudgetUsd + input.oneCallUsd) * 1e9) / 1e3) / 1e6;
  const withinPerRequest = worstCase <= input.perRequestUsd;
  return {
    maxBudgetUsd,
    reserveUsd: withinPerRequest ? Math.min(input.perRequestUsd, input.runUpperBoundUsd) : worstCase,
    withinPerRequest,
  };
}
