/**
 * The trust policy: how measured outcomes move an agent's level. Pure and clock-free (every function takes
 * `now`); the store around it persists `TrustState` atomically and supplies the outcome samples.
 *
 * Levels are rounded to 1e-9 after every move so that float drift never changes which permission
 * threshold applies: in IEEE arithmetic 0.7 + 0.1 is 0.7999999999999999 (below a 0.8 threshold) and
 * 0.3 - 0.1 is 0.19999999999999998, but the levels stored are 0.8 and 0.2; 0.3 + 0.1 + 0.1 stays 0.5.
 */
import { parseDuration } from '../config/index.js';
import { InvalidConfigError } from '../errors/index.js';
import type { ResolvedTrustConfig, TrustMetric, TrustRule } from './config.js';
import { computeWindowMetrics, type OutcomeSample, type WindowMetrics, wilsonInterval } from './metrics.js';

/** The persisted trust of one agent. All times are epoch ms. */
export interface TrustState {
  level: number;
  /** An operator froze the level: no rule and no decay moves it. */
  frozen: boolean;
  /** The evaluation window holds no outcome older than this; it restarts after every change. */
  windowStartedAt: number;
  /** When a rule last changed the level (the cooldown runs from here); null before the first change. */
  lastChangeAt: number | null;
  /** The UTC day ('YYYY-MM-DD') `gainedToday` counts for. */
  gainedOnDay: string | null;
  /** Trust gained by rules on `gainedOnDay`; a new UTC day starts again from 0. */
  gainedToday: number;
  /** When the newest outcome was recorded; the idle clock of decay runs from here. */
  lastOutcomeAt: number | null;
  /** The instant up to which idle decay has been applied; null when none has. */
  lastDecayAt: number | null;
}

/** A level change made by a rule, with the evidence for it (what `/trust/history` shows). */
export interface TrustChange {
  cause: 'rule';
  from: number;
  to: number;
  rule: TrustRule;
  metric: TrustMetric;
  /** The metric's point value over the window. */
  observed: number;
  /** The conservative bound a promotion on a rate was judged on (Wilson lower or upper bound). */
  bound?: number;
  /** Outcomes in the window. */
  samples: number;
  /** e.g. "success_rate lower bound 0.969 >= 0.95 over 120 outcomes". */
  reason: string;
}

/** A level change made by idle decay. */
export interface TrustDecay {
  cause: 'decay';
  from: number;
  to: number;
  /** Full `every` periods applied by this call. */
  steps: number;
  /** e.g. "idle decay: no outcome for 7d, lost 2 × 0.05 (one per 1d) toward the floor 0.1". */
  reason: string;
}

export type TrustLevelChange = TrustChange | TrustDecay;

const levelScale = 1e9;

/**
 * Rounds a level to 1e-9 so that sums of decimal steps land on the decimal they mean.
 *
 * @example roundLevel(0.7 + 0.1) === 0.8 // true, while 0.7 + 0.1 === 0.7999999999999999
 */
export function roundLevel(level: number): number {
  const rounded = Math.round(level * levelScale) / levelScale;
  return rounded === 0 ? 0 : rounded; // no -0
}

/**
 * The UTC calendar day of an instant, the unit of `maxDailyGain`.
 *
 * @example utcDay(Date.UTC(2025, 0, 31, 23, 59)) // '2025-01-31'
 */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

function durationMs(text: string, path: string): number {
  const milliseconds = parseDuration(text);
  if (milliseconds === undefined) {
    throw new InvalidConfigError(
      [{ path, received: JSON.stringify(text), expected: 'a duration such as 30s, 1h or 7d' }],
      'trust config',
    );
  }
  return milliseconds;
}

/**
 * The state of an agent that has no trust history yet.
 *
 * @example initialTrustState(config, clock.now()).level // config.initial
 */
export function initialTrustState(config: ResolvedTrustConfig, now: number): TrustState {
  return {
    level: roundLevel(Math.min(config.ceiling, Math.max(config.floor, config.initial))),
    frozen: false,
    windowStartedAt: now,
    lastChangeAt: null,
    gainedOnDay: null,
    gainedToday: 0,
    lastOutcomeAt: null,
    lastDecayAt: null,
  };
}

/**
 * The oldest instant the evaluation window reaches back to: `window.duration` ago, but never before the
 * last change (the window restarts after each one).
 *
 * @example computeWindowMetrics(samples, { sinceMs: windowSince(config, state, now), lastN: config.window.lastN })
 */
export function windowSince(config: ResolvedTrustConfig, state: TrustState, now: number): number {
  return Math.max(now - durationMs(config.window.duration, 'trust.window.duration'), state.windowStartedAt);
}

/**
 * The metrics of an agent's current window: `windowSince` and `window.lastN` applied to the samples.
 *
 * @example measureWindow(config, state, samples, now).success_rate
 */
export function measureWindow(
  config: ResolvedTrustConfig,
  state: TrustState,
  samples: readonly OutcomeSample[],
  now: number,
): WindowMetrics {
  return computeWindowMetrics(samples, {
    sinceMs: windowSince(config, state, now),
    lastN: config.window.lastN,
  });
}

/**
 * The value a rule compares for a metric: a rate, or the escalation count.
 *
 * @example metricValue(metrics, 'error_rate') // metrics.error_rate
 */
export function metricValue(metrics: WindowMetrics, metric: TrustMetric): number {
  switch (metric) {
    case 'success_rate':
      return metrics.success_rate;
    case 'error_rate':
      return metrics.error_rate;
    case 'denial_rate':
      return metrics.denial_rate;
    case 'escalation_attempts':
      return metrics.escalationAttempts;
  }
}

/** The number of outcomes behind a rate, for its Wilson interval. */
function rateCount(metrics: WindowMetrics, metric: Exclude<TrustMetric, 'escalation_attempts'>): number {
  if (metric === 'success_rate') return metrics.successes;
  if (metric === 'error_rate') return metrics.errors;
  return metrics.denials;
}

interface RuleReading {
  rule: TrustRule;
  fired: boolean;
  observed: number;
  bound?: number;
  /** What was compared against the threshold, described for the reason. */
  description: string;
}

/**
 * Reads one rule against the window. `success_rate` is a good metric, the others are bad; an increment
 * fires when a good metric is >= its threshold (a bad one <=), a decrement the other way round.
 * Promotions on rates compare the conservative Wilson bound, demotions the point value.
 */
function readRule(config: ResolvedTrustConfig, rule: TrustRule, metrics: WindowMetrics): RuleReading {
  const good = rule.metric === 'success_rate';
  const firesAtOrAbove = (rule.action === 'increment') === good;
  const observed = metricValue(metrics, rule.metric);
  const operator = firesAtOrAbove ? '>=' : '<=';
  const over = `over ${metrics.samples} outcomes`;

  if (rule.metric === 'escalation_attempts') {
    const fired = firesAtOrAbove ? observed >= rule.threshold : observed <= rule.threshold;
    return {
      rule,
      fired,
      observed,
      description: `${rule.metric} ${observed} ${operator} ${rule.threshold} ${over}`,
    };
  }
  if (rule.action === 'increment') {
    const interval = wilsonInterval(rateCount(metrics, rule.metric), metrics.samples, config.confidence);
    const bound = good ? interval.lower : interval.upper;
    const fired = firesAtOrAbove ? bound >= rule.threshold : bound <= rule.threshold;
    const side = good ? 'lower' : 'upper';
    return {
      rule,
      fired,
      observed,
      bound,
      description: `${rule.metric} ${side} bound ${bound.toFixed(3)} ${operator} ${rule.threshold} ${over}`,
    };
  }
  const fired = firesAtOrAbove ? observed >= rule.threshold : observed <= rule.threshold;
  return {
    rule,
    fired,
    observed,
    description: `${rule.metric} ${observed.toFixed(3)} ${operator} ${rule.threshold} ${over}`,
  };
}

/** Trust still gainable on the UTC day of `now`. */
function dailyGainLeft(config: ResolvedTrustConfig, state: TrustState, now: number): number {
  const gained = state.gainedOnDay === utcDay(now) ? state.gainedToday : 0;
  return Math.max(0, roundLevel(config.maxDailyGain - gained));
}

/**
 * Decides whether the rules move the level, given the metrics of the current window (see `measureWindow`).
 * Returns null when the level is frozen, the window holds fewer than `minSamples` outcomes, the cooldown
 * since the last change has not passed, no rule fires, or the move would be 0 (at the floor or ceiling,
 * or the day's gain used up). When several rules fire a decrement wins over any increment, and among rules
 * of the same action the largest amount wins (the first in config order on a tie).
 *
 * @example
 * const change = evaluateRules(config, state, measureWindow(config, state, samples, now), now);
 * if (change) state = applyChange(state, change, now);
 */
export function evaluateRules(
  config: ResolvedTrustConfig,
  state: TrustState,
  metrics: WindowMetrics,
  now: number,
): TrustChange | null {
  if (state.frozen) return null;
  if (metrics.samples < config.minSamples) return null;
  if (
    state.lastChangeAt !== null &&
    now - state.lastChangeAt < durationMs(config.cooldown, 'trust.cooldown')
  ) {
    return null;
  }

  const fired = config.rules
    .map((rule) => readRule(config, rule, metrics))
    .filter((reading) => reading.fired);
  const decrements = fired.filter((reading) => reading.rule.action === 'decrement');
  const candidates = decrements.length > 0 ? decrements : fired;
  let chosen: RuleReading | undefined;
  for (const reading of candidates) {
    if (chosen === undefined || reading.rule.amount > chosen.rule.amount) chosen = reading;
  }
  if (chosen === undefined) return null;

  const from = state.level;
  let to: number;
  let limit = '';
  if (chosen.rule.action === 'decrement') {
    const wanted = roundLevel(from - chosen.rule.amount);
    to = roundLevel(Math.max(config.floor, wanted));
    if (to >= from) return null;
    if (to > wanted) limit = `; held at the floor ${config.floor}`;
  } else {
    const wanted = roundLevel(from + chosen.rule.amount);
    const dailyLimit = roundLevel(from + dailyGainLeft(config, state, now));
    to = roundLevel(Math.min(config.ceiling, wanted, dailyLimit));
    if (to <= from) return null;
    if (to < wanted) {
      limit =
        to === dailyLimit && dailyLimit < config.ceiling
          ? `; capped by maxDailyGain ${config.maxDailyGain} per UTC day`
          : `; held at the ceiling ${config.ceiling}`;
    }
  }

  const change: TrustChange = {
    cause: 'rule',
    from,
    to,
    rule: chosen.rule,
    metric: chosen.rule.metric,
    observed: chosen.observed,
    samples: metrics.samples,
    reason: `${chosen.description}${limit}`,
  };
  if (chosen.bound !== undefined) change.bound = chosen.bound;
  return change;
}

/**
 * Applies a rule's change: sets the level, starts the cooldown, restarts the window and, for a gain,
 * counts it against the day's `maxDailyGain`. A demotion does not refund the day's gain.
 *
 * @example state = applyChange(state, change, now);
 */
export function applyChange(state: TrustState, change: TrustChange, now: number): TrustState {
  const level = roundLevel(change.to);
  const next: TrustState = { ...state, level, lastChangeAt: now, windowStartedAt: now };
  if (level > state.level) {
    const day = utcDay(now);
    const gainedBefore = state.gainedOnDay === day ? state.gainedToday : 0;
    next.gainedOnDay = day;
    next.gainedToday = roundLevel(gainedBefore + level - state.level);
  }
  return next;
}

/**
 * Idle decay. The idle clock starts at the later of the last outcome and the window start (creation, a
 * change, an operator's reset); once `idleAfter` has passed on it, the level loses `amount` for each full
 * `every` that follows, toward the floor and never below it. Nothing decays while frozen. The steps are
 * counted from `lastDecayAt` when a decay has happened since the last outcome, so calling this often or
 * rarely gives the same level. A decay restarts the window (stale evidence cannot promote straight back)
 * but does not start the rules' cooldown. Call it before recording a new outcome, or on a timer.
 *
 * @example
 * const decayed = applyDecay(config, state, now);
 * if (decayed) state = decayed.state;
 */
export function applyDecay(
  config: ResolvedTrustConfig,
  state: TrustState,
  now: number,
): { state: TrustState; change: TrustDecay } | null {
  const decay = config.decay;
  if (decay === undefined || state.frozen || decay.amount <= 0) return null;
  const everyMs = durationMs(decay.every, 'trust.decay.every');
  if (everyMs <= 0) return null;
  const idleAfterMs = durationMs(decay.idleAfter, 'trust.decay.idleAfter');

  const lastActivity = Math.max(state.lastOutcomeAt ?? state.windowStartedAt, state.windowStartedAt);
  const continuing = state.lastDecayAt !== null && state.lastDecayAt >= lastActivity;
  const anchor = continuing && state.lastDecayAt !== null ? state.lastDecayAt : lastActivity + idleAfterMs;
  if (now < anchor) return null;
  const steps = Math.floor((now - anchor) / everyMs);
  if (steps < 1) return null;

  const from = state.level;
  const to = roundLevel(Math.max(config.floor, from - steps * decay.amount));
  if (to >= from) return null;

  const decayedUntil = anchor + steps * everyMs;
  return {
    state: { ...state, level: to, lastDecayAt: decayedUntil, windowStartedAt: decayedUntil },
    change: {
      cause: 'decay',
      from,
      to,
      steps,
      reason: `idle decay: no outcome for ${decay.idleAfter}, lost ${steps} × ${decay.amount} (one per ${decay.every}) toward the floor ${config.floor}`,
    },
  };
}

/** The result of `advanceTrust`: the new state, the changes made (oldest first) and the window measured. */
export interface TrustStep {
  state: TrustState;
  changes: TrustLevelChange[];
  metrics: WindowMetrics;
}

/**
 * One full policy step, for when an outcome has just been recorded (pass `now` = its time and the samples
 * including it) or on a timer (no new samples): idle decay up to `now`, then the newest outcome noted,
 * then the rules over the window.
 *
 * @example
 * const step = advanceTrust(config, state, await store.samplesSince(windowSince(config, state, now)), now);
 * await store.saveTrust(step.state, step.changes);
 */
export function advanceTrust(
  config: ResolvedTrustConfig,
  state: TrustState,
  samples: readonly OutcomeSample[],
  now: number,
): TrustStep {
  const changes: TrustLevelChange[] = [];
  let current = state;

  const decayed = applyDecay(config, current, now);
  if (decayed) {
    current = decayed.state;
    changes.push(decayed.change);
  }

  let newest = current.lastOutcomeAt;
  for (const sample of samples) {
    if (newest === null || sample.at > newest) newest = sample.at;
  }
  if (newest !== current.lastOutcomeAt) current = { ...current, lastOutcomeAt: newest };

  const metrics = measureWindow(config, current, samples, now);
  const change = evaluateRules(config, current, metrics, now);
  if (change) {
    current = applyChange(current, change, now);
    changes.push(change);
  }
  return { state: current, changes, metrics };
}
