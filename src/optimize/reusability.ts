/**
 * Whether a model answer may be reused for a later request (by the cache tier or the pattern tier):
 * only a successful answer that did nothing but read, held no personal data, and did not depend on
 * earlier turns of its conversation.
 */

import type { TierAnswer, TierContext } from '../pipeline/index.js';
import { detectPii } from '../privacy/index.js';

/** Tools that only read: a turn that used these (and nothing else) may still be reused. */
export const readOnlyTools: ReadonlySet<string> = new Set(['Read', 'Glob', 'Grep']);

/** Why an answer was or was not stored for reuse. */
export type ReusabilityVerdict =
  | { reusable: true }
  | { reusable: false; reason: 'error' | 'side-effect-tool' | 'pii' | 'follow-up-turn' };

/**
 * @example
 * answerReusability(context, answer, false) // { reusable: false, reason: 'pii' } for "my email is a@b.co"
 */
export function answerReusability(
  context: Pick<TierContext, 'text'>,
  answer: Pick<TierAnswer, 'outcome' | 'toolCalls' | 'text'>,
  followUpTurn: boolean,
): ReusabilityVerdict {
  if (answer.outcome !== 'success') return { reusable: false, reason: 'error' };
  if (answer.toolCalls.some((call) => !readOnlyTools.has(call.toolName))) {
    return { reusable: false, reason: 'side-effect-tool' };
  }
  if (followUpTurn) return { reusable: false, reason: 'follow-up-turn' };
  if (detectPii(context.text).length > 0 || detectPii(answer.text).length > 0) {
    return { reusable: false, reason: 'pii' };
  }
  return { reusable: true };
}
