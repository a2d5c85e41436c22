import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ResolvedTrustConfig, type TrustConfig, trustConfigSchema } from './config.js';
import {
  computeWindowMetrics,
  type OutcomeSample,
  type TrustOutcomeKind,
  type WindowMetrics,
} from './metrics.js';
import {
  advanceTrust,
  applyChange,
  applyDecay,
  evaluateRules,
  initialTrustState,
  measureWindow,
  roundLevel,
  type TrustChange,
  type TrustState,
  utcDay,
  windowSince,
} from './policy.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const start = Date.UTC(2025, 2, 1, 10, 0, 0); // 2025-03-01T10:00Z

/** The rules of the issue's example config. */
const issueRules: TrustConfig['rules'] = [
  { metric: 'success_rate', threshold: 0.95, action: 'increment', amount: 0.1 },
  { metric: 'error_rate', threshold: 0.1, action: 'decrement', amount: 0.2 },
];

function configOf(input: TrustConfig = {}): ResolvedTrustConfig {
  return trustConfigSchema.parse({ initial: 0.3, rules: issueRules, ...input });
}

function outcome(
  at: number,
  kind: TrustOutcomeKind = 'success',
  overrides: Partial<OutcomeSample> = {},
): OutcomeSample {
  return { at, kind, denied: false, escalations: 0, latencyMs: 200, costUsd: 0.01, ...overrides };
}

/** `count` outcomes of one kind, a minute apart, from `from`. */
function outcomes(count: number, kind: TrustOutcomeKind, from: number): OutcomeSample[] {
  return Array.from({ length: count }, (_, index) => outcome(from + index * minute, kind));
}

function metricsOf(samples: OutcomeSample[]): WindowMetrics {
  return computeWindowMetrics(samples, { sinceMs: Number.NEGATIVE_INFINITY, lastN: Number.MAX_SAFE_INTEGER });
}

function stateAt(level: number, overrides: Partial<TrustState> = {}): TrustState {
  return { ...initialTrustState(configOf(), start), level, ...overrides };
}

describe('level rounding', () => {
  it('keeps 0.3 + 0.1 + 0.1 at exactly 0.5 and removes the drift of other sums', () => {
    expect(roundLevel(0.3 + 0.1 + 0.1)).toBe(0.5);
    // Without rounding these would fall just below a permission threshold (0.8, 0.2) or land above one.
    expect(0.7 + 0.1).toBe(0.7999999999999999);
    expect(roundLevel(0.7 + 0.1)).toBe(0.8);
    expect(0.3 - 0.1).toBe(0.19999999999999998);
    expect(roundLevel(0.3 - 0.1)).toBe(0.2);
    expect(roundLevel(0.1 + 0.2)).toBe(0.3);
    expect(Object.is(roundLevel(-1e-12), 0)).toBe(true);
  });

  it('lands two promotions of 0.1 from 0.3 on exactly 0.5', () => {
    const config = configOf({ minSamples: 1, cooldown: '0s', maxDailyGain: 1 });
    let state = initialTrustState(config, start);
    for (const step of [1, 2]) {
      const now = start + step * hour;
      const change = evaluateRules(config, state, metricsOf(outcomes(120, 'success', now - 2 * hour)), now);
      expect(change).not.toBeNull();
      state = applyChange(state, change!, now);
    }
    expect(state.level).toBe(0.5);
  });

  it('lands a promotion of 0.1 from 0.7 on exactly 0.8 and a demotion of 0.1 from 0.3 on exactly 0.2', () => {
    const config = configOf({ initial: 0.7, minSamples: 1, cooldown: '0s', maxDailyGain: 1 });
    const up = evaluateRules(
      config,
      initialTrustState(config, start),
      metricsOf(outcomes(120, 'success', start)),
      start,
    );
    expect(up?.to).toBe(0.8);
    expect(applyChange(initialTrustState(config, start), up!, start).level).toBe(0.8);

    const demoting = configOf({
      minSamples: 1,
      rules: [{ metric: 'error_rate', threshold: 0.5, action: 'decrement', amount: 0.1 }],
    });
    const down = evaluateRules(
      demoting,
      initialTrustState(demoting, start),
      metricsOf(outcomes(3, 'error', start)),
      start,
    );
    expect(down?.to).toBe(0.2);
  });
});

describe('initialTrustState', () => {
  it('starts at the configured level with a fresh window', () => {
    expect(initialTrustState(configOf({ initial: 0.4 }), start)).toEqual({
      level: 0.4,
      frozen: false,
      windowStartedAt: start,
      lastChangeAt: null,
      gainedOnDay: null,
      gainedToday: 0,
      lastOutcomeAt: null,
      lastDecayAt: null,
    });
  });
});

describe('evaluateRules: promotion on the conservative bound', () => {
  it('does not promote on 3 successes out of 3, even with minSamples 1', () => {
    const config = configOf({ minSamples: 1 });
    const state = initialTrustState(config, start);
    expect(evaluateRules(config, state, metricsOf(outcomes(3, 'success', start)), start + hour)).toBeNull();
  });

  it('promotes on 120 successes out of 120 and explains why', () => {
    const config = configOf({ window: { duration: '7d', lastN: 200 } });
    const state = initialTrustState(config, start);
    const change = evaluateRules(config, state, metricsOf(outcomes(120, 'success', start)), start + 3 * hour);
    expect(change).toMatchObject({
      cause: 'rule',
      from: 0.3,
      to: 0.4,
      metric: 'success_rate',
      observed: 1,
      samples: 120,
      rule: issueRules[0],
      reason: 'success_rate lower bound 0.969 >= 0.95 over 120 outcomes',
    });
    expect(change!.bound).toBeCloseTo(0.96898, 5);
  });

  it('judges a promotion on a bad rate by its Wilson upper bound', () => {
    const config = configOf({
      minSamples: 1,
      rules: [{ metric: 'error_rate', threshold: 0.05, action: 'increment', amount: 0.1 }],
    });
    const state = initialTrustState(config, start);
    // 0 errors out of 20: the point value is 0 but the upper bound is 0.161.
    expect(evaluateRules(config, state, metricsOf(outcomes(20, 'success', start)), start + day)).toBeNull();
    const change = evaluateRules(config, state, metricsOf(outcomes(100, 'success', start)), start + day);
    expect(change?.reason).toBe('error_rate upper bound 0.037 <= 0.05 over 100 outcomes');
  });

  it('compares escalation_attempts as a count', () => {
    const config = configOf({
      minSamples: 5,
      rules: [
        { metric: 'escalation_attempts', threshold: 0, action: 'increment', amount: 0.1 },
        { metric: 'escalation_attempts', threshold: 3, action: 'decrement', amount: 0.1 },
      ],
    });
    const state = initialTrustState(config, start);
    const clean = outcomes(5, 'success', start);
    expect(evaluateRules(config, state, metricsOf(clean), start + day)?.to).toBe(0.4);
    const escalating = clean.map((sample, index) => ({ ...sample, escalations: index < 3 ? 1 : 0 }));
    const change = evaluateRules(config, state, metricsOf(escalating), start + day);
    expect(change).toMatchObject({
      to: 0.2,
      observed: 3,
      reason: 'escalation_attempts 3 >= 3 over 5 outcomes',
    });
  });
});

describe('evaluateRules: demotion on the point value', () => {
  it('demotes on an error burst once minSamples are in the window', () => {
    const config = configOf({ initial: 0.5 });
    const state = initialTrustState(config, start);
    const burst = [...outcomes(15, 'success', start), ...outcomes(5, 'error', start + hour)];
    const change = evaluateRules(config, state, metricsOf(burst), start + 2 * hour);
    expect(change).toMatchObject({
      from: 0.5,
      to: 0.3,
      metric: 'error_rate',
      observed: 0.25,
      samples: 20,
      reason: 'error_rate 0.250 >= 0.1 over 20 outcomes',
    });
    expect(change).not.toHaveProperty('bound');
    // The same burst one outcome short of minSamples does nothing.
    expect(evaluateRules(config, state, metricsOf(burst.slice(1)), start + 2 * hour)).toBeNull();
  });

  it('fires exactly at the threshold (2 errors in 20 is an error_rate of 0.1)', () => {
    const config = configOf({ initial: 0.5 });
    const samples = [...outcomes(18, 'success', start), ...outcomes(2, 'error', start + hour)];
    expect(evaluateRules(config, initialTrustState(config, start), metricsOf(samples), start + day)?.to).toBe(
      0.3,
    );
  });

  it('demotes on a low success rate without waiting for a bound', () => {
    const config = configOf({
      initial: 0.5,
      minSamples: 4,
      rules: [{ metric: 'success_rate', threshold: 0.5, action: 'decrement', amount: 0.1 }],
    });
    const samples = [...outcomes(2, 'success', start), ...outcomes(2, 'error', start)];
    expect(
      evaluateRules(config, initialTrustState(config, start), metricsOf(samples), start + day),
    ).toMatchObject({
      to: 0.4,
      reason: 'success_rate 0.500 <= 0.5 over 4 outcomes',
    });
  });

  it('lets a decrement win over an increment, and the largest amount win within an action', () => {
    const config = configOf({
      initial: 0.5,
      window: { duration: '7d', lastN: 500 },
      rules: [
        { metric: 'success_rate', threshold: 0.95, action: 'increment', amount: 0.3 },
        { metric: 'denial_rate', threshold: 0.001, action: 'decrement', amount: 0.05 },
        { metric: 'error_rate', threshold: 0.001, action: 'decrement', amount: 0.1 },
        { metric: 'error_rate', threshold: 0.002, action: 'decrement', amount: 0.1 },
      ],
    });
    const samples = [...outcomes(199, 'success', start), outcome(start + hour, 'error', { denied: true })];
    const change = evaluateRules(config, initialTrustState(config, start), metricsOf(samples), start + day);
    expect(change).toMatchObject({ to: 0.4, rule: config.rules[2] });

    const increments = configOf({
      minSamples: 1,
      maxDailyGain: 1,
      rules: [
        { metric: 'success_rate', threshold: 0.9, action: 'increment', amount: 0.05 },
        { metric: 'success_rate', threshold: 0.9, action: 'increment', amount: 0.2 },
      ],
    });
    const promoted = evaluateRules(
      increments,
      initialTrustState(increments, start),
      metricsOf(outcomes(100, 'success', start)),
      start + day,
    );
    expect(promoted?.to).toBe(0.5);
  });
});

describe('evaluateRules: guards', () => {
  const config = configOf({ cooldown: '1h' });
  const samples = outcomes(120, 'success', start);

  it('does nothing while frozen', () => {
    expect(evaluateRules(config, stateAt(0.3, { frozen: true }), metricsOf(samples), start + day)).toBeNull();
  });

  it('waits out the cooldown after a change', () => {
    const now = start + day;
    expect(
      evaluateRules(config, stateAt(0.3, { lastChangeAt: now - 59 * minute }), metricsOf(samples), now),
    ).toBeNull();
    expect(
      evaluateRules(config, stateAt(0.3, { lastChangeAt: now - hour }), metricsOf(samples), now)?.to,
    ).toBe(0.4);
  });

  it('needs minSamples outcomes in the window', () => {
    const strict = configOf({ minSamples: 121, window: { duration: '7d', lastN: 500 } });
    expect(evaluateRules(strict, stateAt(0.3), metricsOf(samples), start + day)).toBeNull();
  });

  it('returns null when no rule fires', () => {
    const mixed = [...outcomes(95, 'success', start), ...outcomes(5, 'error', start)];
    expect(evaluateRules(config, stateAt(0.3), metricsOf(mixed), start + day)).toBeNull();
  });
});

describe('evaluateRules: floor, ceiling and the daily cap', () => {
  const good = metricsOf(outcomes(120, 'success', start));
  const bad = metricsOf(outcomes(20, 'error', start));

  it('stops at the ceiling and says so', () => {
    const config = configOf({ ceiling: 0.9, maxDailyGain: 1 });
    expect(evaluateRules(config, stateAt(0.9), good, start + day)).toBeNull();
    expect(evaluateRules(config, stateAt(0.85), good, start + day)).toMatchObject({
      from: 0.85,
      to: 0.9,
      reason: 'success_rate lower bound 0.969 >= 0.95 over 120 outcomes; held at the ceiling 0.9',
    });
  });

  it('stops at the floor and says so', () => {
    const config = configOf({ floor: 0.05 });
    expect(evaluateRules(config, stateAt(0.05), bad, start + day)).toBeNull();
    expect(evaluateRules(config, stateAt(0.1), bad, start + day)).toMatchObject({
      to: 0.05,
      reason: 'error_rate 1.000 >= 0.1 over 20 outcomes; held at the floor 0.05',
    });
  });

  it('caps the gain per UTC day and resets the cap at midnight UTC', () => {
    const config = configOf({ maxDailyGain: 0.15, cooldown: '0s' });
    let state = initialTrustState(config, start);
    const promote = (now: number): TrustChange | null => evaluateRules(config, state, good, now);

    const first = promote(start);
    expect(first?.to).toBe(0.4);
    state = applyChange(state, first!, start);
    expect(state).toMatchObject({ gainedOnDay: '2025-03-01', gainedToday: 0.1 });

    const second = promote(start + hour);
    expect(second).toMatchObject({ to: 0.45 });
    expect(second?.reason).toMatch(/; capped by maxDailyGain 0.15 per UTC day$/);
    state = applyChange(state, second!, start + hour);
    expect(state.gainedToday).toBe(0.15);

    const lastMinuteOfDay = Date.UTC(2025, 2, 1, 23, 59, 59, 999);
    expect(promote(lastMinuteOfDay)).toBeNull();

    const midnight = Date.UTC(2025, 2, 2);
    const third = promote(midnight);
    expect(third?.to).toBe(0.55);
    state = applyChange(state, third!, midnight);
    expect(state).toMatchObject({ level: 0.55, gainedOnDay: '2025-03-02', gainedToday: 0.1 });
  });

  it('does not refund the day’s gain on a demotion', () => {
    const config = configOf({ maxDailyGain: 0.1, cooldown: '0s' });
    let state = initialTrustState(config, start);
    state = applyChange(state, evaluateRules(config, state, good, start)!, start);
    state = applyChange(state, evaluateRules(config, state, bad, start + hour)!, start + hour);
    expect(state).toMatchObject({ level: 0.2, gainedToday: 0.1, gainedOnDay: '2025-03-01' });
    expect(evaluateRules(config, state, good, start + 2 * hour)).toBeNull();
  });
});

describe('applyChange and the window', () => {
  it('sets the level, starts the cooldown and restarts the window', () => {
    const config = configOf();
    const state = initialTrustState(config, start - 3 * day);
    const now = start;
    const change = evaluateRules(config, state, metricsOf(outcomes(100, 'success', now - 2 * day)), now)!;
    const next = applyChange(state, change, now);
    expect(next).toEqual({
      ...state,
      level: 0.4,
      lastChangeAt: now,
      windowStartedAt: now,
      gainedOnDay: '2025-03-01',
      gainedToday: 0.1,
    });
    expect(state.level).toBe(0.3); // the input is not mutated
  });

  it('reaches back window.duration, but never before the last change', () => {
    const config = configOf({ window: { duration: '7d', lastN: 100 } });
    expect(windowSince(config, stateAt(0.3, { windowStartedAt: start - 30 * day }), start)).toBe(
      start - 7 * day,
    );
    expect(windowSince(config, stateAt(0.3, { windowStartedAt: start - day }), start)).toBe(start - day);
  });

  it('counts only outcomes since the change in the next evaluation', () => {
    const config = configOf({ cooldown: '0s' });
    const before = outcomes(100, 'success', start - 2 * day);
    let state = initialTrustState(config, start - 3 * day);
    state = applyChange(
      state,
      evaluateRules(config, state, measureWindow(config, state, before, start), start)!,
      start,
    );

    const later = start + hour;
    expect(measureWindow(config, state, before, later).samples).toBe(0);
    expect(evaluateRules(config, state, measureWindow(config, state, before, later), later)).toBeNull();

    const since = [...before, ...outcomes(19, 'error', start + minute)];
    expect(measureWindow(config, state, since, later).samples).toBe(19);
    expect(evaluateRules(config, state, measureWindow(config, state, since, later), later)).toBeNull();
    const enough = [...since, outcome(start + 30 * minute, 'error')];
    expect(evaluateRules(config, state, measureWindow(config, state, enough, later), later)?.to).toBe(0.2);
  });
});

describe('applyDecay', () => {
  const config = configOf({ floor: 0.1, decay: { idleAfter: '7d', amount: 0.05, every: '1d' } });
  const lastOutcomeAt = start;
  const idle = stateAt(0.5, { lastOutcomeAt, windowStartedAt: start - day });

  it('waits idleAfter, then loses amount for each full every', () => {
    expect(applyDecay(config, idle, lastOutcomeAt + 7 * day)).toBeNull();
    expect(applyDecay(config, idle, lastOutcomeAt + 8 * day - 1)).toBeNull();

    const first = applyDecay(config, idle, lastOutcomeAt + 8 * day)!;
    expect(first.change).toEqual({
      cause: 'decay',
      from: 0.5,
      to: 0.45,
      steps: 1,
      reason: 'idle decay: no outcome for 7d, lost 1 × 0.05 (one per 1d) toward the floor 0.1',
    });
    expect(first.state).toMatchObject({ level: 0.45, lastDecayAt: lastOutcomeAt + 8 * day });
    expect(first.state.lastChangeAt).toBe(idle.lastChangeAt); // no cooldown from a decay

    const second = applyDecay(config, first.state, lastOutcomeAt + 10 * day + 12 * hour)!;
    expect(second.change).toMatchObject({ from: 0.45, to: 0.35, steps: 2 });
    expect(second.state.lastDecayAt).toBe(lastOutcomeAt + 10 * day); // the half period is kept for later

    // One call over the whole span gives the same level as several.
    expect(applyDecay(config, idle, lastOutcomeAt + 10 * day + 12 * hour)!.state.level).toBe(0.35);
  });

  it('stops at the floor', () => {
    const far = applyDecay(config, idle, lastOutcomeAt + 365 * day)!;
    expect(far.state.level).toBe(0.1);
    expect(applyDecay(config, far.state, lastOutcomeAt + 400 * day)).toBeNull();
  });

  it('starts a new idle period after a new outcome', () => {
    const decayed = applyDecay(config, idle, lastOutcomeAt + 8 * day)!.state;
    const active = { ...decayed, lastOutcomeAt: lastOutcomeAt + 9 * day };
    expect(applyDecay(config, active, lastOutcomeAt + 16 * day)).toBeNull();
    expect(applyDecay(config, active, lastOutcomeAt + 17 * day)?.change.steps).toBe(1);
  });

  it('measures idleness from the window start when there has been no outcome', () => {
    const decayConfig = configOf({ initial: 0.5, decay: { idleAfter: '1d', amount: 0.1 } });
    const fresh = initialTrustState(decayConfig, start);
    expect(applyDecay(decayConfig, fresh, start + 2 * day - 1)).toBeNull();
    const first = applyDecay(decayConfig, fresh, start + 2 * day)!;
    expect(first.state.level).toBe(0.4);
    // Continues a day at a time, not another idleAfter later.
    expect(applyDecay(decayConfig, first.state, start + 3 * day)?.state.level).toBe(0.3);
  });

  it('does nothing while frozen or without a decay config', () => {
    expect(applyDecay(config, { ...idle, frozen: true }, lastOutcomeAt + 30 * day)).toBeNull();
    expect(applyDecay(configOf(), idle, lastOutcomeAt + 30 * day)).toBeNull();
  });
});

describe('advanceTrust', () => {
  it('promotes on a run of successes, then demotes on a burst of errors', () => {
    const config = configOf({ minSamples: 20, cooldown: '10m', maxDailyGain: 1 });
    let state = initialTrustState(config, start);
    const samples: OutcomeSample[] = [];
    let now = start;
    for (let index = 0; index < 200; index += 1) {
      now += minute;
      samples.push(outcome(now));
      state = advanceTrust(config, state, samples, now).state;
    }
    expect(state.level).toBeGreaterThanOrEqual(0.5);
    const beforeBurst = state.level;
    for (let index = 0; index < 20; index += 1) {
      now += minute;
      samples.push(outcome(now, 'error'));
      const step = advanceTrust(config, state, samples, now);
      state = step.state;
      for (const change of step.changes) expect(change.cause).toBe('rule');
    }
    expect(state.level).toBeLessThan(beforeBurst);
    expect(state.lastOutcomeAt).toBe(now);
  });

  it('applies idle decay before noting the outcome that ends the idleness', () => {
    const config = configOf({ initial: 0.5, decay: { idleAfter: '1d', amount: 0.1, every: '1d' } });
    const state = { ...initialTrustState(config, start), lastOutcomeAt: start };
    const now = start + 3 * day;
    const step = advanceTrust(config, state, [outcome(start), outcome(now)], now);
    expect(step.changes).toMatchObject([{ cause: 'decay', from: 0.5, to: 0.3, steps: 2 }]);
    expect(step.state).toMatchObject({ level: 0.3, lastOutcomeAt: now, lastDecayAt: start + 3 * day });
    expect(step.metrics.samples).toBe(1); // the window restarted at the decay
  });
});

describe('utcDay', () => {
  it('uses the UTC calendar day', () => {
    expect(utcDay(Date.UTC(2025, 0, 31, 23, 59, 59, 999))).toBe('2025-01-31');
    expect(utcDay(Date.UTC(2025, 1, 1))).toBe('2025-02-01');
  });
});

describe('properties', () => {
  const hundredths = (min: number, max: number) => fc.integer({ min, max }).map((value) => value / 100);

  const ruleArbitrary = fc
    .record({
      metric: fc.constantFrom(
        'success_rate',
        'error_rate',
        'denial_rate',
        'escalation_attempts',
      ) as fc.Arbitrary<'success_rate' | 'error_rate' | 'denial_rate' | 'escalation_attempts'>,
      threshold: fc.oneof(hundredths(0, 100), fc.integer({ min: 0, max: 5 })),
      action: fc.constantFrom('increment', 'decrement') as fc.Arbitrary<'increment' | 'decrement'>,
      amount: hundredths(1, 100),
    })
    // The config rejects a decrement on a bad metric at threshold 0 (it would fire on every evaluation).
    .filter(
      (rule) => !(rule.metric !== 'success_rate' && rule.action === 'decrement' && rule.threshold === 0),
    );

  const configArbitrary: fc.Arbitrary<ResolvedTrustConfig> = fc
    .record({
      bounds: fc.tuple(hundredths(0, 100), hundredths(0, 100), hundredths(0, 100)),
      rules: fc.array(ruleArbitrary, { maxLength: 4 }),
      minSamples: fc.integer({ min: 1, max: 30 }),
      lastN: fc.integer({ min: 1, max: 150 }),
      duration: fc.constantFrom('1h', '1d', '7d'),
      cooldown: fc.constantFrom('0s', '1m', '1h'),
      confidence: fc.constantFrom(0.8, 0.9, 0.95, 0.99),
      maxDailyGain: hundredths(0, 100),
      decay: fc.option(
        fc.record({
          idleAfter: fc.constantFrom('1h', '1d'),
          amount: hundredths(0, 50),
          every: fc.constantFrom('1h', '6h', '1d'),
        }),
        { nil: undefined },
      ),
    })
    .map((drawn) => {
      const [floor, initial, ceiling] = [...drawn.bounds].sort((left, right) => left - right) as [
        number,
        number,
        number,
      ];
      return trustConfigSchema.parse({
        initial,
        floor,
        ceiling,
        rules: drawn.rules,
        minSamples: drawn.minSamples,
        window: { duration: drawn.duration, lastN: drawn.lastN },
        cooldown: drawn.cooldown,
        confidence: drawn.confidence,
        maxDailyGain: drawn.maxDailyGain,
        decay: drawn.decay,
      });
    });

  const eventArbitrary = fc.record({
    gapMs: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 10 * minute }), weight: 12 },
      { arbitrary: fc.integer({ min: 0, max: 3 * day }), weight: 1 },
    ),
    /** 0..99, compared with the run's error and denial shares. */
    roll: fc.integer({ min: 0, max: 99 }),
    /** A timer tick with no new outcome. */
    tick: fc.integer({ min: 0, max: 9 }).map((draw) => draw === 0),
    toggleFreeze: fc.integer({ min: 0, max: 29 }).map((draw) => draw === 0),
  });
  /** How a run behaves: from flawless to failing. */
  const behaviourArbitrary = fc.record({
    errorPercent: fc.constantFrom(0, 2, 10, 40),
    denialPercent: fc.constantFrom(0, 5, 30),
  });

  it('keeps the level within [floor, ceiling], rounded, under the daily cap, and never fires below minSamples', () => {
    const seen = { promotions: 0, demotions: 0, decays: 0 };
    fc.assert(
      fc.property(
        configArbitrary,
        behaviourArbitrary,
        fc.array(eventArbitrary, { maxLength: 250 }),
        (config, behaviour, events) => {
          let now = start;
          let state = initialTrustState(config, now);
          const samples: OutcomeSample[] = [];
          const gainedPerDay = new Map<string, number>();
          for (const event of events) {
            now += event.gapMs;
            if (event.toggleFreeze) state = { ...state, frozen: !state.frozen };
            if (!event.tick) {
              const denied = event.roll % 50 < behaviour.denialPercent / 2;
              const kind = event.roll < behaviour.errorPercent ? 'error' : 'success';
              samples.push(outcome(now, kind, { denied, escalations: denied ? 1 + (event.roll % 3) : 0 }));
            }
            const wasFrozen = state.frozen;
            const step = advanceTrust(config, state, samples, now);
            state = step.state;

            expect(state.level).toBeGreaterThanOrEqual(config.floor);
            expect(state.level).toBeLessThanOrEqual(config.ceiling);
            expect(roundLevel(state.level)).toBe(state.level);
            if (wasFrozen) expect(step.changes).toEqual([]);
            for (const change of step.changes) {
              expect(change.to).not.toBe(change.from);
              if (change.cause === 'decay') seen.decays += 1;
              else if (change.to > change.from) seen.promotions += 1;
              else seen.demotions += 1;
              if (change.cause !== 'rule') continue;
              expect(change.samples).toBeGreaterThanOrEqual(config.minSamples);
              if (change.to > change.from) {
                const today = utcDay(now);
                gainedPerDay.set(today, (gainedPerDay.get(today) ?? 0) + change.to - change.from);
                expect(gainedPerDay.get(today)).toBeLessThanOrEqual(config.maxDailyGain + 1e-9);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
    // The generators must actually move levels, or the property above proves nothing.
    expect(seen.promotions).toBeGreaterThan(0);
    expect(seen.demotions).toBeGreaterThan(0);
    expect(seen.decays).toBeGreaterThan(0);
  });

  it('fires no rule on fewer than minSamples outcomes, whatever they are', () => {
    const stateArbitrary = fc.record({
      level: hundredths(0, 100),
      lastChangeAt: fc.constantFrom(null, start - 30 * day),
      gainedToday: hundredths(0, 20),
      gainedOnDay: fc.constantFrom(null, utcDay(start)),
    });
    fc.assert(
      fc.property(
        configArbitrary,
        stateArbitrary,
        fc.array(
          fc.record({
            kind: fc.constantFrom('success', 'error') as fc.Arbitrary<TrustOutcomeKind>,
            denied: fc.boolean(),
            escalations: fc.integer({ min: 0, max: 5 }),
          }),
          { maxLength: 29 },
        ),
        (config, drawnState, drawnSamples) => {
          const samples = drawnSamples
            .slice(0, config.minSamples - 1)
            .map((drawn, index) => outcome(start - index, drawn.kind, drawn));
          const state = { ...initialTrustState(config, start - 60 * day), ...drawnState };
          expect(evaluateRules(config, state, metricsOf(samples), start)).toBeNull();
        },
      ),
    );
  });

  it('decays to the same level however often it is applied', () => {
    fc.assert(
      fc.property(
        configArbitrary.filter((config) => config.decay !== undefined),
        fc.array(fc.integer({ min: 0, max: 2 * day }), { minLength: 1, maxLength: 20 }),
        (config, gaps) => {
          const initial: TrustState = { ...initialTrustState(config, start), lastOutcomeAt: start };
          let stepped = initial;
          let now = start;
          for (const gap of gaps) {
            now += gap;
            stepped = applyDecay(config, stepped, now)?.state ?? stepped;
          }
          const once = applyDecay(config, initial, now)?.state ?? initial;
          expect(stepped.level).toBe(once.level);
          expect(stepped.level).toBeGreaterThanOrEqual(config.floor);
        },
      ),
    );
  });
});
