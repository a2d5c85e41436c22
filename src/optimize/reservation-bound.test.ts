import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { BudgetService } from './budget/index.js';
import { cliOverheadTokensPerCall, estimateRunCost, tokensAtMost } from './pricing.js';
import { learnedRunMinimum, ReservationBound, type RunShape } from './reservation-bound.js';

const scope = { tenantId: 'acme', agentId: 'desk' };
const message = 'When do you open on Saturday?';
// claude-sonnet-4-5: $3 input, $3.75 cache write, $15 output per million tokens.
const shape: RunShape = {
  model: 'claude-sonnet-4-5',
  systemPrompt: 'You answer customers of Acme Bakery.',
  tools: [],
  limits: { maxTurns: 20, maxOutputTokens: 1000 },
};
const freshPrompt = cliOverheadTokensPerCall + tokensAtMost(shape.systemPrompt!) + tokensAtMost(message);

describe.each(storeEngines)('ReservationBound on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function open(runShape: RunShape = shape) {
    opened = await engine.open();
    const budget = new BudgetService(opened.store, { daily: 100 });
    let now = Date.parse('2026-06-15T12:00:00Z');
    const clock = { advance: (ms: number) => (now += ms) };
    return { budget, bound: new ReservationBound(runShape, budget, scope, () => now), clock };
  }

  /** Records a settled run that sent `promptTokens` and cost `inputUsd + beyondUsd`. */
  async function measuredRun(
    budget: BudgetService,
    run: { inputUsd: number; beyondUsd: number; conversationId?: string; promptTokens?: number },
  ) {
    const reservation = await budget.reserve(scope, {
      interactionId: `i-${Math.random()}`,
      amountUsd: run.inputUsd,
      inputUsd: run.inputUsd,
      conversationId: run.conversationId,
    });
    await budget.settle(reservation, run.inputUsd + run.beyondUsd, {
      promptTokens: run.promptTokens ?? 12_000,
      outputTokens: 500,
    });
  }

  it('reserves a fresh run’s input at the cache-write rate plus one call’s full output, with no history', async () => {
    const { bound } = await open();
    const size = await bound.size({ prompt: message });
    expect(size.basis).toBe('default');
    expect(size.promptTokens).toBe(freshPrompt);
    expect(size.inputUsd).toBeCloseTo((freshPrompt * 3.75) / 1e6, 5);
    expect(size.beyondInputUsd).toBeCloseTo((1000 * 15) / 1e6, 6);
    expect(size.amountUsd).toBeCloseTo(size.inputUsd + size.beyondInputUsd, 6);
    // The old reservation: every one of 20 turns at maxOutputTokens, ~30 times this.
    const worst = estimateRunCost({
      model: 'claude-sonnet-4-5',
      promptChars: message.length,
      systemPromptChars: shape.systemPrompt!.length,
      maxOutputTokens: 1000,
      turns: 20,
    });
    expect(worst.totalUsd / size.amountUsd).toBeGreaterThan(25);
  });

  it('assumes up to four calls for an agent with tools, never more than perRequest plus one call', async () => {
    const { bound } = await open({ ...shape, tools: ['Read'], perRequestUsd: 0.05 });
    const size = await bound.size({ prompt: message });
    const fourCalls = estimateRunCost({
      model: 'claude-sonnet-4-5',
      promptChars: 0,
      systemPromptChars: 0,
      promptTokens: freshPrompt,
      maxOutputTokens: 1000,
      turns: 4,
    }).totalUsd;
    const cap =
      0.05 +
      estimateRunCost({
        model: 'claude-sonnet-4-5',
        promptChars: 0,
        systemPromptChars: 0,
        promptTokens: freshPrompt,
        maxOutputTokens: 1000,
        turns: 20,
      }).oneCallUsd;
    expect(size.capUsd).toBeCloseTo(cap, 6);
    expect(size.amountUsd).toBeCloseTo(Math.min(fourCalls, cap), 6);
  });

  it('learns the output bound from the most any recent run needed beyond its input', async () => {
    const { budget, bound, clock } = await open();
    for (let index = 0; index < learnedRunMinimum - 1; index++) {
      await measuredRun(budget, { inputUsd: 0.05, beyondUsd: index === 3 ? 0.004 : -0.03 });
    }
    expect((await bound.size({ prompt: message })).basis).toBe('default');
    await measuredRun(budget, { inputUsd: 0.05, beyondUsd: 0.001 });
    clock.advance(31_000); // the learned figure is read again after 30 s
    const size = await bound.size({ prompt: message });
    expect(size.basis).toBe('learned');
    expect(size.beyondInputUsd).toBeCloseTo(0.004, 6);
    expect(size.amountUsd).toBeCloseTo(size.inputUsd + 0.004, 6);
  });

  it('sizes a resumed turn from the conversation’s last measured turn, and reserves the cap when it has none', async () => {
    const { budget, bound } = await open();
    await measuredRun(budget, { inputUsd: 0.1, beyondUsd: 0, conversationId: 'c-1', promptTokens: 40_000 });
    const resumed = await bound.size({ prompt: message, conversationId: 'c-1', resumeSessionId: 's-1' });
    // Everything the last turn sent (40,000) and wrote (500), plus the new message.
    expect(resumed.promptTokens).toBe(40_000 + 500 + tokensAtMost(message));
    expect(resumed.inputUsd).toBeCloseTo((resumed.promptTokens * 3.75) / 1e6, 6);
    const fresh = await bound.size({ prompt: message, conversationId: 'c-1' });
    expect(fresh.promptTokens).toBe(freshPrompt);
    const unknown = await bound.size({ prompt: message, conversationId: 'c-2', resumeSessionId: 's-2' });
    expect(unknown.basis).toBe('unknown-history');
    expect(unknown.amountUsd).toBe(unknown.capUsd);
  });
});

describe('tokensAtMost', () => {
  it('counts 3 bytes of UTF-8 a token: above English prose, and a token per CJK character', () => {
    expect(tokensAtMost('When do you open?')).toBe(6);
    expect(tokensAtMost('営業時間は何時ですか')).toBe(10);
    expect(tokensAtMost('')).toBe(0);
  });
});
