import { describe, expect, it } from 'vitest';
import {
  canaryArm,
  canaryBucket,
  canaryDecision,
  cleanTrialsToPromote,
  errorRateBounds,
  normalQuantile,
} from './canary-stats.js';

/** Reference values: Newcombe (1998), Statistics in Medicine 17:857, table I; re-checked with SciPy. */
const newcombe = [
  { errors: 81, trials: 263, wilson: [0.2553, 0.3662], exact: [0.2527, 0.3676] },
  { errors: 15, trials: 148, wilson: [0.0624, 0.1605], exact: [0.0578, 0.1617] },
  { errors: 0, trials: 20, wilson: [0, 0.1611], exact: [0, 0.1684] },
  { errors: 1, trials: 29, wilson: [0.0061, 0.1718], exact: [0.0009, 0.1776] },
];

describe('errorRateBounds', () => {
  it('matches published Wilson and Clopper–Pearson intervals (95% two-sided: 0.975 a side)', () => {
    for (const { errors, trials, wilson, exact } of newcombe) {
      const score = errorRateBounds(errors, trials, 0.975);
      expect(score.lower, `${errors}/${trials}`).toBeCloseTo(wilson[0]!, 4);
      expect(score.upper, `${errors}/${trials}`).toBeCloseTo(wilson[1]!, 4);
      const clopperPearson = errorRateBounds(errors, trials, 0.975, 'clopper-pearson');
      expect(clopperPearson.lower, `${errors}/${trials}`).toBeCloseTo(exact[0]!, 4);
      expect(clopperPearson.upper, `${errors}/${trials}`).toBeCloseTo(exact[1]!, 4);
    }
  });

  it('needs 268 clean calls (Wilson) or 299 (Clopper–Pearson, 1 - 0.05^(1/n)) for the 95% upper bound to fall below 1%', () => {
    expect(errorRateBounds(0, 267).upper).toBeGreaterThan(0.01);
    expect(errorRateBounds(0, 268).upper).toBeLessThan(0.01);
    expect(errorRateBounds(0, 268).upper).toBeCloseTo(0.009994, 6);
    expect(errorRateBounds(0, 298, 0.95, 'clopper-pearson').upper).toBeCloseTo(1 - 0.05 ** (1 / 298), 9);
    expect(errorRateBounds(0, 298, 0.95, 'clopper-pearson').upper).toBeGreaterThan(0.01);
    expect(errorRateBounds(0, 299, 0.95, 'clopper-pearson').upper).toBeLessThan(0.01);
    expect(cleanTrialsToPromote(0.01)).toBe(268);
    expect(cleanTrialsToPromote(0.01, 0.95, 'clopper-pearson')).toBe(299);
    expect(cleanTrialsToPromote(0.05)).toBe(52);
  });

  it('agrees with SciPy elsewhere: few errors in many calls, and the middle of the range', () => {
    const few = errorRateBounds(3, 1000);
    expect(few.lower).toBeCloseTo(0.0012, 4);
    expect(few.upper).toBeCloseTo(0.007482, 5);
    const fewExact = errorRateBounds(3, 1000, 0.95, 'clopper-pearson');
    expect(fewExact.lower).toBeCloseTo(0.000818, 5);
    expect(fewExact.upper).toBeCloseTo(0.007735, 5);
    const middle = errorRateBounds(50, 100, 0.9);
    expect(middle.lower).toBeCloseTo(0.436442, 5);
    expect(middle.upper).toBeCloseTo(0.563558, 5);
  });

  it('is [0, 1] without calls, reaches 1 when every call failed, and refuses impossible counts', () => {
    expect(errorRateBounds(0, 0)).toEqual({ lower: 0, upper: 1 });
    expect(errorRateBounds(5, 5).upper).toBe(1);
    expect(errorRateBounds(5, 5, 0.95, 'clopper-pearson').upper).toBe(1);
    expect(() => errorRateBounds(3, 2)).toThrow(/errors <= trials/);
    expect(() => errorRateBounds(-1, 2)).toThrow(/whole numbers/);
    expect(() => errorRateBounds(0.5, 2)).toThrow(/whole numbers/);
    expect(() => errorRateBounds(0, 10, 1)).toThrow(/confidence/);
  });
});

describe('normalQuantile', () => {
  it('matches the standard normal quantiles', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167813, 8);
    expect(normalQuantile(0.6)).toBeCloseTo(0.2533471031357997, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 8);
  });
});

describe('canaryArm', () => {
  it('is a well-specified hash: SHA-256 of the JSON triple, first 48 bits (values computed outside Node)', () => {
    // python3: int.from_bytes(sha256(json.dumps(['canary-arm/v1', cap, conv], separators=(',',':')).encode()).digest()[:6], 'big') / 2**48
    expect(canaryBucket('cap-1', 'conversation-1')).toBeCloseTo(0.6350420516339312, 12);
    expect(canaryBucket('cap-2', 'conversation-1')).toBeCloseTo(0.11887795418369862, 12);
    expect(canaryArm('cap-2', 'conversation-1', 12)).toBe('canary');
    expect(canaryArm('cap-2', 'conversation-1', 11)).toBe('control');
  });

  it('splits 10,000 conversations 10% / 90% within 4 standard deviations (±120)', () => {
    const keys = Array.from({ length: 10_000 }, (_, index) => `web:conversation-${index}`);
    const canary = keys.filter((key) => canaryArm('capability-7', key, 10) === 'canary').length;
    expect(Math.abs(canary - 1000)).toBeLessThan(120);
    // Uniform across the range too: each tenth of the buckets holds about a tenth of the keys.
    const deciles = new Array<number>(10).fill(0);
    for (const key of keys) deciles[Math.floor(canaryBucket('capability-7', key) * 10)]! += 1;
    for (const count of deciles) expect(Math.abs(count - 1000)).toBeLessThan(120);
  });

  it('is sticky, keeps the canary when the rollout grows, and splits each capability independently', () => {
    const keys = Array.from({ length: 10_000 }, (_, index) => `sms:+1555${String(index).padStart(7, '0')}`);
    for (const key of keys.slice(0, 100)) {
      expect(canaryArm('capability-7', key, 10)).toBe(canaryArm('capability-7', key, 10));
    }
    const atTen = keys.filter((key) => canaryArm('capability-7', key, 10) === 'canary');
    expect(atTen.every((key) => canaryArm('capability-7', key, 25) === 'canary')).toBe(true);
    const both = atTen.filter((key) => canaryArm('capability-8', key, 10) === 'canary').length;
    // Independent splits share about 10% of 10% of the keys (100), not the same 1,000.
    expect(Math.abs(both - 100)).toBeLessThan(45);
    expect(keys.some((key) => canaryArm('capability-7', key, 0) === 'canary')).toBe(false);
    expect(keys.every((key) => canaryArm('capability-7', key, 100) === 'canary')).toBe(true);
    expect(() => canaryArm('capability-7', 'k', 101)).toThrow(/rolloutPercentage/);
    expect(() => canaryArm('capability-7', 'k', Number.NaN)).toThrow(/rolloutPercentage/);
  });
});

describe('canaryDecision', () => {
  it('promotes once the upper bound is below the target, after minTrials', () => {
    expect(canaryDecision({ errors: 0, trials: 267 }, 0.01)).toBe('continue');
    expect(canaryDecision({ errors: 0, trials: 268 }, 0.01)).toBe('promote');
    expect(canaryDecision({ errors: 0, trials: 298 }, 0.01, { method: 'clopper-pearson' })).toBe('continue');
    expect(canaryDecision({ errors: 0, trials: 299 }, 0.01, { method: 'clopper-pearson' })).toBe('promote');
    expect(canaryDecision({ errors: 0, trials: 20 }, 0.2)).toBe('continue');
    expect(canaryDecision({ errors: 0, trials: 20 }, 0.2, { minTrials: 0 })).toBe('promote');
    expect(canaryDecision({ errors: 2, trials: 1000 }, 0.01)).toBe('promote');
  });

  it('rolls back at once when the lower bound is above the target, before minTrials', () => {
    expect(canaryDecision({ errors: 1, trials: 10 }, 0.01)).toBe('rollback');
    expect(canaryDecision({ errors: 1, trials: 22 }, 0.01)).toBe('rollback');
    expect(canaryDecision({ errors: 1, trials: 23 }, 0.01)).toBe('continue');
    expect(canaryDecision({ errors: 1, trials: 10 }, 0.01, { method: 'clopper-pearson' })).toBe('continue');
    expect(canaryDecision({ errors: 30, trials: 1000 }, 0.01)).toBe('rollback');
    expect(canaryDecision({ errors: 1, trials: 1 }, 0.01, { minTrials: 500 })).toBe('rollback');
  });

  it('waits without calls, and refuses wrong arguments', () => {
    expect(canaryDecision({ errors: 0, trials: 0 }, 0.01)).toBe('continue');
    expect(canaryDecision({ errors: 12, trials: 1000 }, 0.01)).toBe('continue');
    expect(() => canaryDecision({ errors: 1, trials: 0 }, 0.01)).toThrow(/errors <= trials/);
    expect(() => canaryDecision({ errors: 0, trials: 10 }, 1.5)).toThrow(/successErrorRate/);
    expect(() => canaryDecision({ errors: 0, trials: 10 }, 0.01, { minTrials: -1 })).toThrow(/minTrials/);
  });
});
