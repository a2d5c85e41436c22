/**
 * Trust metrics: what counts as a good or bad interaction, the figures a window of them yields, and the
 * Wilson score bound promotions are judged on. Pure functions; the store supplies the samples.
 *
 * ## What an outcome is
 *
 * Every finished interaction is recorded once as an outcome, either `success` or `error`.
 * It is an **error** when any of these holds:
 *
 * - the runtime failed or timed out (no result at all);
 * - the run ended with `is_error` (a budget stop, the max-turns limit, an SDK error result);
 * - any tool call failed (the tool ran and reported an error);
 * - an operator or customer gave **negative** feedback (`agent.feedback(id, 'negative')`), which
 *   turns an interaction recorded as a success into an error after the fact.
 *
 * Otherwise it is a **success**. **Positive** feedback never overrides an error: the interaction stays
 * as recorded, because a pleased customer does not undo a failed tool call or a budget stop.
 *
 * A tool call **denied** by the trust policy is not a failed tool call: denials are the policy working,
 * and they are measured on their own (`denial_rate`, and `escalation_attempts` for calls to tools that a
 * higher level would allow), so an agent is not demoted twice for asking.
 */

/** Whether an interaction went well, as defined in the module comment. */
export type TrustOutcomeKind = 'success' | 'error';

/** The summary of one finished interaction that the trust policy measures. */
export interface OutcomeSample {
  /** When the interaction finished (epoch ms). */
  at: number;
  kind: TrustOutcomeKind;
  /** At least one tool call was denied. */
  denied: boolean;
  /** Denied calls to tools that a higher trust level would allow. */
  escalations: number;
  latencyMs: number;
  costUsd: number;
}

/** What is known about a finished interaction when it is classified. All fields are optional. */
export interface OutcomeSignals {
  /** The runtime threw or the run never produced a result. */
  runtimeFailed?: boolean;
  /** The run was cut off by a timeout. */
  timedOut?: boolean;
  /** The final result carried `is_error` (budget stop, max turns, SDK error). */
  resultIsError?: boolean;
  /** Tool calls that ran and failed (denied calls are not counted here). */
  failedToolCalls?: number;
  /** Feedback received for the interaction, if any. */
  feedback?: 'positive' | 'negative' | null;
}

/**
 * Classifies an interaction by the outcome definition in the module comment.
 *
 * @example
 * outcomeKind({ resultIsError: true, feedback: 'positive' }) // 'error' (positive feedback does not override)
 * outcomeKind({ failedToolCalls: 0 }) // 'success'
 */
export function outcomeKind(signals: OutcomeSignals): TrustOutcomeKind {
  const failed =
    signals.runtimeFailed === true ||
    signals.timedOut === true ||
    signals.resultIsError === true ||
    (signals.failedToolCalls ?? 0) > 0 ||
    signals.feedback === 'negative';
  return failed ? 'error' : 'success';
}

/** The figures of one evaluation window. With no samples every figure is 0. */
export interface WindowMetrics {
  /** Outcomes in the window. */
  samples: number;
  successes: number;
  errors: number;
  /** Outcomes with at least one denied tool call. */
  denials: number;
  /** Denied calls to tools above the level, summed over the window. */
  escalationAttempts: number;
  /** successes / samples */
  success_rate: number;
  /** errors / samples */
  error_rate: number;
  /** Share of outcomes with at least one denied tool call. */
  denial_rate: number;
  /** Median latency (nearest rank). */
  latencyP50Ms: number;
  /** 95th percentile latency (nearest rank). */
  latencyP95Ms: number;
  /** Total cost of the window. */
  costUsd: number;
}

/** Which outcomes a window holds: those at or after `sinceMs`, at most the newest `lastN`. */
export interface WindowBounds {
  sinceMs: number;
  lastN: number;
}

/**
 * Computes the metrics of the outcomes inside a window. The input need not be sorted or pre-filtered.
 *
 * @example
 * computeWindowMetrics(samples, { sinceMs: now - 7 * 86_400_000, lastN: 100 }).success_rate
 */
export function computeWindowMetrics(samples: readonly OutcomeSample[], window: WindowBounds): WindowMetrics {
  const inWindow = samples
    .filter((sample) => sample.at >= window.sinceMs)
    .sort((left, right) => right.at - left.at)
    .slice(0, Math.max(0, window.lastN));

  let successes = 0;
  let denials = 0;
  let escalationAttempts = 0;
  let costUsd = 0;
  for (const sample of inWindow) {
    if (sample.kind === 'success') successes += 1;
    if (sample.denied) denials += 1;
    escalationAttempts += sample.escalations;
    costUsd += sample.costUsd;
  }
  const count = inWindow.length;
  const errors = count - successes;
  const latencies = inWindow.map((sample) => sample.latencyMs).sort((left, right) => left - right);
  return {
    samples: count,
    successes,
    errors,
    denials,
    escalationAttempts,
    success_rate: count === 0 ? 0 : successes / count,
    error_rate: count === 0 ? 0 : errors / count,
    denial_rate: count === 0 ? 0 : denials / count,
    latencyP50Ms: nearestRank(latencies, 0.5),
    latencyP95Ms: nearestRank(latencies, 0.95),
    costUsd,
  };
}

function nearestRank(sortedAscending: readonly number[], quantile: number): number {
  if (sortedAscending.length === 0) return 0;
  const index = Math.max(0, Math.ceil(quantile * sortedAscending.length) - 1);
  return sortedAscending[index] ?? 0;
}

/**
 * The inverse of the standard normal CDF (the quantile function), by Peter Acklam's rational
 * approximation; relative error below 1.15e-9 over (0, 1).
 *
 * @example normalQuantile(0.975) // 1.959964
 */
export function normalQuantile(probability: number): number {
  if (!(probability > 0 && probability < 1)) {
    if (probability === 0) return Number.NEGATIVE_INFINITY;
    if (probability === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ] as const;
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
    -1.328068155288572e1,
  ] as const;
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ] as const;
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
  const lowTail = 0.02425;

  const tail = (q: number): number =>
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);

  if (probability < lowTail) return tail(Math.sqrt(-2 * Math.log(probability)));
  if (probability > 1 - lowTail) return -tail(Math.sqrt(-2 * Math.log(1 - probability)));
  const q = probability - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/**
 * The two-sided z value for a confidence level.
 *
 * @example confidenceZ(0.95) // 1.959964
 */
export function confidenceZ(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2);
}

/**
 * The Wilson score interval of a proportion at a two-sided confidence level. With `n` = 0 nothing is
 * known and the interval is [0, 1].
 *
 * @example
 * wilsonInterval(3, 3, 0.95) // { lower: 0.4385, upper: 1 }: three successes prove little
 * wilsonInterval(120, 120, 0.95) // { lower: 0.9690, upper: 1 }
 */
export function wilsonInterval(
  successes: number,
  n: number,
  confidence: number,
): { lower: number; upper: number } {
  if (n <= 0) return { lower: 0, upper: 1 };
  const z = confidenceZ(confidence);
  const proportion = successes / n;
  const zSquared = z * z;
  const denominator = 1 + zSquared / n;
  const center = (proportion + zSquared / (2 * n)) / denominator;
  const halfWidth =
    (z / denominator) * Math.sqrt((proportion * (1 - proportion)) / n + zSquared / (4 * n * n));
  return { lower: Math.max(0, center - halfWidth), upper: Math.min(1, center + halfWidth) };
}
