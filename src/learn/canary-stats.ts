/**
 * The statistics of a learned handler's canary: confidence bounds on its error rate, the sticky
 * choice of arm for a conversation, and the promote / roll back / continue decision.
 */
import { createHash } from 'node:crypto';
import { StewardError } from '../errors/index.js';

/** How the bounds are computed: Wilson's score interval, or the exact Clopper–Pearson one. */
export type BoundsMethod = 'wilson' | 'clopper-pearson';

export interface ErrorRateBounds {
  lower: number;
  upper: number;
}

export interface CanaryDecisionOptions {
  /** One-sided confidence of each bound (default 0.95). */
  confidence?: number;
  /** Calls the canary must have served before it can be promoted (default 30); rollback never waits. */
  minTrials?: number;
  method?: BoundsMethod;
}

export const DEFAULT_CONFIDENCE = 0.95;
/**
 * A floor under promotion so a lenient `errorRate` cannot promote on a handful of calls (at 20%,
 * 11 clean calls would do); at 1% the bound itself needs 268 clean calls, far above it.
 */
export const DEFAULT_MIN_TRIALS = 30;

/**
 * Bounds on the true error rate after `errors` failures in `trials` calls. Each bound is one-sided at
 * `confidence`: promotion asks only "is the rate below the target?", rollback only "is it above?".
 *
 * Wilson's score interval by default: a closed form whose coverage stays close to the nominal level
 * (Brown, Cai & DasGupta 2001), defined at 0 errors (where the textbook Wald interval collapses to
 * [0, 0]), and tighter than Clopper–Pearson, whose exactness makes it wait longer than needed.
 * Figures at 95%: with 0 errors the upper bound falls below 1% after 268 calls (Clopper–Pearson: 299,
 * the "rule of three"); its lower bound is the eager side: 1 error within the first 22 calls (2 within
 * 66) already puts it above 1%, so a canary rolls back early rather than late. Pass
 * `'clopper-pearson'` for bounds that never under-cover.
 *
 * @example
 * errorRateBounds(0, 300) // { lower: 0, upper: 0.00894… }
 * errorRateBounds(81, 263, 0.975) // { lower: 0.2553…, upper: 0.3662… } (Newcombe 1998)
 */
export function errorRateBounds(
  errors: number,
  trials: number,
  confidence = DEFAULT_CONFIDENCE,
  method: BoundsMethod = 'wilson',
): ErrorRateBounds {
  checkCounts(errors, trials);
  checkConfidence(confidence);
  if (trials === 0) return { lower: 0, upper: 1 };
  return method === 'wilson'
    ? wilsonBounds(errors, trials, normalQuantile(confidence))
    : clopperPearsonBounds(errors, trials, 1 - confidence);
}

/**
 * The arm of a conversation for one capability: `canary` for `rolloutPercentage`% of conversations,
 * the same answer on every call, in every process and after a restart. The bucket is the first 48
 * bits of SHA-256 over the JSON array `["canary-arm/v1", capabilityId, conversationKey]`, read as a
 * fraction of 2^48; a conversation is in the canary when the bucket is below the percentage. Raising
 * the percentage keeps every conversation already in the canary there; each capability splits
 * conversations independently of the others.
 *
 * @example canaryArm('capability-7', 'web:conversation-42', 10) // 'control' (or 'canary', always the same)
 */
export function canaryArm(
  capabilityId: string,
  conversationKey: string,
  rolloutPercentage: number,
): 'canary' | 'control' {
  if (!(rolloutPercentage >= 0 && rolloutPercentage <= 100)) {
    throw new StewardError(
      'invalid-request',
      `rolloutPercentage must be a number from 0 to 100, received ${String(rolloutPercentage)}`,
    );
  }
  return canaryBucket(capabilityId, conversationKey) * 100 < rolloutPercentage ? 'canary' : 'control';
}

/** Where a conversation falls in [0, 1) for a capability (see `canaryArm`). */
export function canaryBucket(capabilityId: string, conversationKey: string): number {
  const digest = createHash('sha256')
    .update(JSON.stringify(['canary-arm/v1', capabilityId, conversationKey]))
    .digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * What to do with a canary now: `rollback` as soon as the lower bound of its error rate is above
 * `successErrorRate` (at any number of calls), `promote` once it has served `minTrials` calls and the
 * upper bound is below it, `continue` otherwise. With 0 errors and a 1% target that is 268 calls
 * (Wilson, 95%; 299 with Clopper–Pearson).
 *
 * @example
 * canaryDecision({ errors: 0, trials: 268 }, 0.01) // 'promote'
 * canaryDecision({ errors: 1, trials: 10 }, 0.01) // 'rollback'
 */
export function canaryDecision(
  stats: { errors: number; trials: number },
  successErrorRate: number,
  options: CanaryDecisionOptions = {},
): 'promote' | 'rollback' | 'continue' {
  if (!(successErrorRate >= 0 && successErrorRate <= 1)) {
    throw new StewardError(
      'invalid-request',
      `successErrorRate must be a number from 0 to 1, received ${String(successErrorRate)}`,
    );
  }
  const minTrials = options.minTrials ?? DEFAULT_MIN_TRIALS;
  if (!(Number.isInteger(minTrials) && minTrials >= 0)) {
    throw new StewardError('invalid-request', `minTrials must be a whole number >= 0, received ${minTrials}`);
  }
  if (stats.trials === 0) {
    checkCounts(stats.errors, stats.trials);
    return 'continue';
  }
  const bounds = errorRateBounds(stats.errors, stats.trials, options.confidence, options.method);
  if (bounds.lower > successErrorRate) return 'rollback';
  if (stats.trials >= minTrials && bounds.upper < successErrorRate) return 'promote';
  return 'continue';
}

/**
 * The fewest error-free calls after which the upper bound falls below `successErrorRate` (before
 * `minTrials`), for telling an operator how long a canary will take.
 *
 * @example cleanTrialsToPromote(0.01) // 268
 */
export function cleanTrialsToPromote(
  successErrorRate: number,
  confidence = DEFAULT_CONFIDENCE,
  method: BoundsMethod = 'wilson',
): number {
  if (!(successErrorRate > 0 && successErrorRate <= 1)) {
    throw new StewardError('invalid-request', `successErrorRate must be above 0 and at most 1`);
  }
  checkConfidence(confidence);
  // Both upper bounds at 0 errors have closed forms: z²/(n+z²) and 1 - α^(1/n).
  const estimate =
    method === 'wilson'
      ? (normalQuantile(confidence) ** 2 * (1 - successErrorRate)) / successErrorRate
      : Math.log(1 - confidence) / Math.log(1 - successErrorRate);
  // The closed form is exact up to floating point: settle the boundary by checking the neighbours.
  let trials = Math.max(1, Math.floor(estimate) - 1);
  while (errorRateBounds(0, trials, confidence, method).upper >= successErrorRate) trials += 1;
  return trials;
}

function wilsonBounds(errors: number, trials: number, z: number): ErrorRateBounds {
  const rate = errors / trials;
  const zSquared = z * z;
  const denominator = 1 + zSquared / trials;
  const centre = (rate + zSquared / (2 * trials)) / denominator;
  const margin =
    (z * Math.sqrt((rate * (1 - rate)) / trials + zSquared / (4 * trials * trials))) / denominator;
  return {
    lower: errors === 0 ? 0 : Math.max(0, centre - margin),
    upper: errors === trials ? 1 : Math.min(1, centre + margin),
  };
}

/** Exact bounds: the rates at which seeing this many errors (or fewer / more) has probability α. */
function clopperPearsonBounds(errors: number, trials: number, alpha: number): ErrorRateBounds {
  return {
    lower: errors === 0 ? 0 : inverseRegularizedBeta(alpha, errors, trials - errors + 1),
    upper: errors === trials ? 1 : inverseRegularizedBeta(1 - alpha, errors + 1, trials - errors),
  };
}

/** The x in [0, 1] where the regularized incomplete beta I_x(a, b) equals `target`, by bisection. */
function inverseRegularizedBeta(target: number, a: number, b: number): number {
  let low = 0;
  let high = 1;
  for (let iteration = 0; iteration < 100; iteration += 1) {
    const middle = (low + high) / 2;
    if (regularizedBeta(middle, a, b) < target) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** I_x(a, b) by its continued fraction (Lentz's method), using the symmetry where it converges faster. */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let result = d;
  for (let m = 1; m <= 10_000; m += 1) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / (Math.abs(1 + even * d) < tiny ? tiny : 1 + even * d);
    c = Math.abs(1 + even / c) < tiny ? tiny : 1 + even / c;
    result *= d * c;
    const odd = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / (Math.abs(1 + odd * d) < tiny ? tiny : 1 + odd * d);
    c = Math.abs(1 + odd / c) < tiny ? tiny : 1 + odd / c;
    const step = d * c;
    result *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return result;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: ~15 significant digits). */
function logGamma(x: number): number {
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = coefficients[0]!;
  for (let index = 1; index < coefficients.length; index += 1)
    sum += coefficients[index]! / (shifted + index);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(probability: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = 0.02425;
  if (probability < tail) {
    const q = Math.sqrt(-2 * Math.log(probability));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (probability > 1 - tail) return -normalQuantile(1 - probability);
  const q = probability - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

function checkCounts(errors: number, trials: number): void {
  if (
    !(Number.isInteger(trials) && trials >= 0 && Number.isInteger(errors) && errors >= 0 && errors <= trials)
  ) {
    throw new StewardError(
      'invalid-request',
      `errors and trials must be whole numbers with 0 <= errors <= trials, received ${errors} of ${trials}`,
    );
  }
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0.5 && confidence < 1)) {
    throw new StewardError(
      'invalid-request',
      `confidence must be above 0.5 and below 1 (e.g. 0.95), received ${String(confidence)}`,
    );
  }
}
