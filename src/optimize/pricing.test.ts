import { describe, expect, it } from 'vitest';
import { StewardError } from '../errors/index.js';
import { optimizationConfigSchema } from './config.js';
import {
  cliOverheadTokensPerCall,
  costOf,
  defaultModel,
  estimateRunCost,
  modelPrices,
  pricesFor,
  pricingTableDate,
} from './pricing.js';

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0) => ({
  inputTokens: input,
  outputTokens: output,
  cacheReadInputTokens: cacheRead,
  cacheCreationInputTokens: cacheWrite,
});

describe('pricesFor', () => {
  it('is dated and prices the current models per million tokens', () => {
    expect(pricingTableDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(pricesFor('claude-sonnet-4-5')).toEqual({
      model: 'claude-sonnet-4-5',
      input: 3,
      output: 15,
      cacheWrite: 3.75,
      cacheRead: 0.3,
    });
    expect(pricesFor('claude-opus-5-5')).toMatchObject({
      input: 4,
      output: 20,
      cacheWrite: 5,
      cacheRead: 0.2,
    });
    expect(pricesFor('claude-haiku-4-5')).toMatchObject({
      input: 1,
      output: 5,
      cacheWrite: 1.25,
      cacheRead: 0.1,
    });
    for (const prices of Object.values(modelPrices)) {
      expect(prices.cacheWrite).toBeGreaterThanOrEqual(prices.input);
      expect(prices.cacheRead).toBeLessThan(prices.input);
    }
  });

  it('resolves dated ids, [1m], aliases and cloud-provider spellings', () => {
    expect(pricesFor('claude-sonnet-4-5-20250929').model).toBe('claude-sonnet-4-5');
    expect(pricesFor('claude-opus-4-1-20250805').model).toBe('claude-opus-4-1');
    expect(pricesFor('claude-sonnet-4-20250514').model).toBe('claude-sonnet-4-0');
    expect(pricesFor('claude-opus-5-5[1m]').model).toBe('claude-opus-5-5');
    expect(pricesFor('us.anthropic.claude-haiku-4-5-20251001-v1:0').model).toBe('claude-haiku-4-5');
    expect(pricesFor('claude-sonnet-4-5@20250929').model).toBe('claude-sonnet-4-5');
    expect(pricesFor('sonnet').model).toBe('claude-sonnet-5-5');
  });

  it('refuses an unknown model with invalid-config, listing the known ones and how to add it', () => {
    let caught: unknown;
    try {
      pricesFor('claude-imaginary-9');
    } catch (error) {
      caught = error;
    }
    expect(StewardError.isInstance(caught)).toBe(true);
    const error = caught as StewardError;
    expect(error.code).toBe('invalid-config');
    expect(error.message).toContain('claude-imaginary-9');
    expect(error.message).toContain('claude-sonnet-4-5');
    expect(error.message).toContain('optimization.budget.pricing');
    expect(error.details.knownModels).toContain('claude-opus-5-5');
  });

  it('takes overrides from config first, for unknown and known models', () => {
    const { budget } = optimizationConfigSchema.parse({
      budget: {
        daily: 5,
        pricing: {
          'my-proxy-model': { input: 1, output: 2, cacheWrite: 1.25, cacheRead: 0.1 },
          'claude-sonnet-4-5': { input: 2.7, output: 13.5, cacheWrite: 3.375, cacheRead: 0.27 },
        },
      },
    });
    const pricing = budget?.pricing;
    expect(pricesFor('my-proxy-model', pricing)).toMatchObject({ input: 1, output: 2 });
    expect(pricesFor('claude-sonnet-4-5-20250929', pricing)).toMatchObject({ input: 2.7 });
    expect(() => pricesFor('nope', pricing)).toThrow(/my-proxy-model/);
    expect(() =>
      optimizationConfigSchema.parse({ budget: { pricing: { x: { input: 1, output: 2 } } } }),
    ).toThrow();
  });
});

describe('costOf', () => {
  it('matches the total_cost_usd the CLI reported for a measured call', () => {
    // One simulated call through CLI 2.1.331 on its default model: total_cost_usd 0.012099.
    expect(defaultModel).toBe('claude-opus-5-5');
    expect(costOf(usage(2546, 6, 8975), defaultModel)).toBe(0.012099);
  });

  it('prices every kind of token', () => {
    expect(costOf(usage(1_000_000, 1_000_000, 1_000_000, 1_000_000), 'claude-sonnet-4-5')).toBe(
      3 + 15 + 0.3 + 3.75,
    );
    expect(costOf(usage(0, 0), 'claude-haiku-4-5')).toBe(0);
  });

  it('applies long-prompt prices above the threshold', () => {
    expect(costOf(usage(100_000, 0), 'claude-haiku-5-5')).toBeCloseTo(0.01, 9);
    expect(costOf(usage(100_001, 0), 'claude-haiku-5-5')).toBeCloseTo(0.0500005, 9);
  });
});

describe('estimateRunCost', () => {
  it('bounds one call from above: CLI overhead, cache-write prices, full output', () => {
    const estimate = estimateRunCost({
      model: 'claude-sonnet-4-5',
      promptChars: 400,
      systemPromptChars: 2000,
      maxOutputTokens: 1000,
    });
    const inputTokens = cliOverheadTokensPerCall + 500 + 100;
    expect(estimate.turns).toBe(1);
    expect(estimate.oneCallUsd).toBeCloseTo((inputTokens * 3.75 + 1000 * 15) / 1e6, 6);
    expect(estimate.totalUsd).toBe(estimate.oneCallUsd);
  });

  it('takes the first call’s prompt in tokens when it is known (a resumed conversation’s history)', () => {
    const estimate = estimateRunCost({
      model: 'claude-sonnet-4-5',
      promptChars: 400,
      systemPromptChars: 2000,
      promptTokens: 50_000,
      maxOutputTokens: 1000,
    });
    expect(estimate.oneCallUsd).toBeCloseTo((50_000 * 3.75 + 1000 * 15) / 1e6, 6);
  });

  it('is above what the measured call cost', () => {
    const estimate = estimateRunCost({ promptChars: 14, systemPromptChars: 34, maxOutputTokens: 6 });
    expect(estimate.model).toBe(defaultModel);
    expect(estimate.totalUsd).toBeGreaterThan(costOf(usage(2546, 6, 8975), defaultModel));
  });

  it('grows with turns, each re-sending the context and the previous outputs', () => {
    const one = estimateRunCost({
      model: 'claude-haiku-4-5',
      promptChars: 400,
      systemPromptChars: 0,
      maxOutputTokens: 2000,
    });
    const three = estimateRunCost({
      model: 'claude-haiku-4-5',
      promptChars: 400,
      systemPromptChars: 0,
      maxOutputTokens: 2000,
      turns: 3,
      toolResultCharsPerTurn: 4000,
    });
    expect(three.firstCallUsd).toBe(one.oneCallUsd);
    expect(three.oneCallUsd).toBeCloseTo(one.oneCallUsd + (2 * (2000 + 1000) * 1.25) / 1e6, 6);
    expect(three.totalUsd).toBeGreaterThan(3 * one.oneCallUsd);
  });

  it('rejects nonsense and unknown models', () => {
    expect(() => estimateRunCost({ promptChars: -1, systemPromptChars: 0, maxOutputTokens: 1 })).toThrow(
      /promptChars/,
    );
    expect(() =>
      estimateRunCost({ promptChars: 1, systemPromptChars: 0, maxOutputTokens: 1, turns: 0 }),
    ).toThrow(/turns/);
    expect(() =>
      estimateRunCost({ model: 'gpt-x', promptChars: 1, systemPromptChars: 0, maxOutputTokens: 1 }),
    ).toThrow(/no price for model "gpt-x"/);
  });
});
