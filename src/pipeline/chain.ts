/**
 * The fallback chain: tiers in order, the first that answers wins. A tier that throws ends the chain
 * (the model failed, or the budget refused the call); a budget refusal is returned as `refusal` so the
 * caller can send its polite reply and record why, rather than fail.
 */
import { type StewardError, toStewardError } from '../errors/index.js';
import type { AnswerTier, TierAnswer, TierContext, TierName } from './tier.js';

export interface ChainResult {
  answered?: { tier: TierName; answer: TierAnswer };
  /** A tier failed; no later tier ran. */
  failure?: StewardError;
  /** The daily budget refused the intelligent tier after the cheaper tiers passed. */
  refusal?: StewardError;
}

/**
 * @example
 * const { answered, refusal } = await runFallbackChain([cache, patterns, intelligent], context);
 */
export async function runFallbackChain(
  tiers: readonly AnswerTier[],
  context: TierContext,
): Promise<ChainResult> {
  for (const tier of tiers) {
    try {
      const answer = await tier.answer(context);
      if (answer) return { answered: { tier: tier.name, answer } };
    } catch (error) {
      const failure = toStewardError(error, 'runtime-failed');
      return failure.code === 'budget-exceeded' ? { refusal: failure } : { failure };
    }
  }
  return {};
}
