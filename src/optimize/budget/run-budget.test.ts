import { describe, expect, it } from 'vitest';
import { estimateRunCost } from '../pricing.js';
import { maxBudgetUsdFor, minimumMaxBudgetUsd, planRunBudget } from './run-budget.js';

describe('maxBudgetUsdFor', () => {
  it('leaves room for the one call the SDK may make past its budget', () => {
    expect(maxBudgetUsdFor(1, 0.14)).toBe(0.86);
    expect(maxBudgetUsdFor(0.3, 0.1)).toBe(0.2);
  });

  it('clamps above zero when one call alone may cost the whole ceiling', () => {
    expect(maxBudgetUsdFor(0.1, 0.1)).toBe(minimumMaxBudgetUsd);
    expect(maxBudgetUsdFor(0.1, 0.5)).toBe(minimumMaxBudgetUsd);
    expect(() => maxBudgetUsdFor(Number.NaN, 0.1)).toThrow(/perRequest/);
  });
});

describe('planRunBudget', () => {
  it('reserves perRequest (or less when the run cannot cost that much) and keeps the run under it', () => {
    const estimate = estimateRunCost({
      model: 'claude-sonnet-4-5',
      promptChars: 400,
      systemPromptChars: 2000,
      maxOutputTokens: 2000,
      turns: 10,
    });
    const plan = planRunBudget({
      perRequestUsd: 1,
      oneCallUsd: estimate.oneCallUsd,
      runUpperBoundUsd: estimate.totalUsd,
    });
    expect(plan.withinPerRequest).toBe(true);
    expect(plan.reserveUsd).toBe(Math.min(1, estimate.totalUsd));
    expect(plan.maxBudgetUsd! + estimate.oneCallUsd).toBeLessThanOrEqual(1);

    const cheap = planRunBudget({ perRequestUsd: 1, oneCallUsd: 0.05, runUpperBoundUsd: 0.05 });
    expect(cheap.reserveUsd).toBe(0.05);
  });

  it('reserves one call when that alone exceeds perRequest', () => {
    const plan = planRunBudget({ perRequestUsd: 0.1, oneCallUsd: 0.25, runUpperBoundUsd: 1 });
    expect(plan).toEqual({
      maxBudgetUsd: minimumMaxBudgetUsd,
      reserveUsd: 0.250001,
      withinPerRequest: false,
    });
  });

  it('reserves the run upper bound and sets no SDK ceiling without perRequest', () => {
    expect(planRunBudget({ perRequestUsd: undefined, oneCallUsd: 0.1, runUpperBoundUsd: 0.4 })).toEqual({
      maxBudgetUsd: undefined,
      reserveUsd: 0.4,
      withinPerRequest: true,
    });
  });
});
