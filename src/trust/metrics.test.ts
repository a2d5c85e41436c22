import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeWindowMetrics,
  confidenceZ,
  normalQuantile,
  type OutcomeSample,
  outcomeKind,
  wilsonInterval,
} from './metrics.js';

function sample(at: number, overrides: Partial<OutcomeSample> = {}): OutcomeSample {
  return { at, kind: 'success', denied: false, escalations: 0, latencyMs: 100, costUsd: 0.01, ...overrides };
}

describe('outcomeKind', () => {
  it.each([
    [{}, 'success'],
    [{ failedToolCalls: 0, feedback: 'positive' as const }, 'success'],
    [{ runtimeFailed: true }, 'error'],
    [{ timedOut: true }, 'error'],
    [{ resultIsError: true }, 'error'],
    [{ failedToolCalls: 2 }, 'error'],
    [{ feedback: 'negative' as const }, 'error'],
    // Positive feedback does not override an error.
    [{ resultIsError: true, feedback: 'positive' as const }, 'error'],
    [{ failedToolCalls: 1, feedback: 'positive' as const }, 'error'],
  ])('%o is %s', (signals, expected) => {
    expect(outcomeKind(signals)).toBe(expected);
  });
});

describe('normalQuantile and confidenceZ', () => {
  it.each([
    [0.5, 0],
    [0.975, 1.959964],
    [0.995, 2.575829],
    [0.95, 1.644854],
    [0.999, 3.090232],
    [0.01, -2.326348],
    [0.001, -3.090232],
    [0.8413447, 1],
  ])('quantile(%d) = %d', (probability, z) => {
    expect(normalQuantile(probability)).toBeCloseTo(z, 6);
  });

  it('is symmetric and monotone', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 0.5, noNaN: true }), (probability) => {
        expect(normalQuantile(probability)).toBeCloseTo(-normalQuantile(1 - probability), 6);
        expect(normalQuantile(probability)).toBeLessThanOrEqual(
          normalQuantile(Math.min(0.999999, probability + 1e-3)),
        );
      }),
    );
  });

  it('maps the ends and outside values', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
  });

  it('gives the two-sided z of a confidence level', () => {
    expect(confidenceZ(0.95)).toBeCloseTo(1.959964, 6);
    expect(confidenceZ(0.99)).toBeCloseTo(2.575829, 6);
    expect(confidenceZ(0.9)).toBeCloseTo(1.644854, 6);
  });
});

describe('wilsonInterval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", method 3 (Wilson score).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [5, 10, 0.2366, 0.7634],
  ])('%i/%i at 95%% is [%d, %d]', (successes, n, lower, upper) => {
    const interval = wilsonInterval(successes, n, 0.95);
    expect(interval.lower).toBeCloseTo(lower, 4);
    expect(interval.upper).toBeCloseTo(upper, 4);
  });

  it('keeps 3 out of 3 far from 0.95 and puts 120 out of 120 above it', () => {
    expect(wilsonInterval(3, 3, 0.95).lower).toBeCloseTo(0.4385, 4);
    expect(wilsonInterval(3, 3, 0.95).upper).toBe(1);
    expect(wilsonInterval(120, 120, 0.95).lower).toBeCloseTo(0.969, 3);
  });

  it('knows nothing without samples', () => {
    expect(wilsonInterval(0, 0, 0.95)).toEqual({ lower: 0, upper: 1 });
  });

  it('brackets the point estimate within [0, 1] and narrows as confidence drops', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 10_000 })
          .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        ([successes, n], confidence) => {
          const interval = wilsonInterval(successes, n, confidence);
          const point = successes / n;
          expect(interval.lower).toBeGreaterThanOrEqual(0);
          expect(interval.upper).toBeLessThanOrEqual(1);
          expect(interval.lower).toBeLessThanOrEqual(point + 1e-12);
          expect(interval.upper).toBeGreaterThanOrEqual(point - 1e-12);
          const wider = wilsonInterval(successes, n, Math.min(0.9999, confidence + 0.0001));
          expect(wider.lower).toBeLessThanOrEqual(interval.lower + 1e-12);
        },
      ),
    );
  });
});

describe('computeWindowMetrics', () => {
  it('keeps samples at or after sinceMs, then the newest lastN, whatever the input order', () => {
    const samples = [
      sample(50, { kind: 'error' }),
      sample(400),
      sample(100, { kind: 'error' }), // at sinceMs: kept unless lastN cuts it
      sample(300, { denied: true, escalations: 2 }),
      sample(200, { kind: 'error' }),
    ];
    const all = computeWindowMetrics(samples, { sinceMs: 100, lastN: 10 });
    expect(all.samples).toBe(4);
    expect(all.errors).toBe(2);

    const newest3 = computeWindowMetrics(samples, { sinceMs: 100, lastN: 3 });
    expect(newest3).toMatchObject({
      samples: 3,
      successes: 2,
      errors: 1,
      denials: 1,
      escalationAttempts: 2,
      success_rate: 2 / 3,
      error_rate: 1 / 3,
      denial_rate: 1 / 3,
    });
    expect(newest3.costUsd).toBeCloseTo(0.03, 10);
  });

  it('computes nearest-rank latency percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, index) => sample(index, { latencyMs: 100 - index }));
    const metrics = computeWindowMetrics(samples, { sinceMs: 0, lastN: 100 });
    expect(metrics.latencyP50Ms).toBe(50);
    expect(metrics.latencyP95Ms).toBe(95);
    const single = computeWindowMetrics([sample(1, { latencyMs: 7 })], { sinceMs: 0, lastN: 5 });
    expect(single.latencyP50Ms).toBe(7);
    expect(single.latencyP95Ms).toBe(7);
  });

  it('reports zeros for an empty window', () => {
    expect(computeWindowMetrics([sample(1)], { sinceMs: 2, lastN: 10 })).toEqual({
      samples: 0,
      successes: 0,
      errors: 0,
      denials: 0,
      escalationAttempts: 0,
      success_rate: 0,
      error_rate: 0,
      denial_rate: 0,
      latencyP50Ms: 0,
      latencyP95Ms: 0,
      costUsd: 0,
    });
  });

  it('rates add up and the count never exceeds lastN', () => {
    const sampleArbitrary = fc.record({
      at: fc.integer({ min: 0, max: 1000 }),
      kind: fc.constantFrom('success' as const, 'error' as const),
      denied: fc.boolean(),
      escalations: fc.integer({ min: 0, max: 3 }),
      latencyMs: fc.integer({ min: 0, max: 10_000 }),
      costUsd: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(sampleArbitrary, { maxLength: 60 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 80 }),
        (samples, sinceMs, lastN) => {
          const metrics = computeWindowMetrics(samples, { sinceMs, lastN });
          expect(metrics.samples).toBeLessThanOrEqual(lastN);
          expect(metrics.successes + metrics.errors).toBe(metrics.samples);
          if (metrics.samples > 0) expect(metrics.success_rate + metrics.error_rate).toBeCloseTo(1, 12);
          expect(metrics.latencyP50Ms).toBeLessThanOrEqual(metrics.latencyP95Ms);
        },
      ),
    );
  });
});
