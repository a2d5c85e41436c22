/**
 * What each handler call, rating and trust failure adds to a capability's counters, by arm, so the canary
 * arm (the handler answers) can be read next to the control arm (the handler runs in the shadow and the
 * normal chain answers the same kind of request).
 */
import type { InteractionRecord } from '../store/index.js';
import type { CapabilityArm, CapabilityCounter } from './capability-store.js';
import type { HandlerOutcome } from './sandbox/index.js';

/**
 * The arm an interaction is remembered under: the serving arms, and `canary-fallback` for a canary call
 * that failed (the chain answered it, so a rating of that answer is not the handler's, but trust's
 * failure of it is counted as the canary arm's).
 */
export type InteractionArm = CapabilityArm | 'canary-fallback';

type Increments = Partial<Record<CapabilityCounter, number>>;

/**
 * One call of a handler in `arm`. A null is an abstention (the request was not its kind), never a trial;
 * a reply or a failed call is a trial. After promotion only replies and failures are counted.
 *
 * @example callIncrements('control', { kind: 'reply', text: 'We open at 9' }) // { control_trials: 1, control_replies: 1 }
 */
export function callIncrements(arm: CapabilityArm, outcome: HandlerOutcome): Increments {
  if (arm === 'promoted') {
    if (outcome.kind === 'reply') return { served: 1 };
    return outcome.kind === 'error' ? { served_errors: 1 } : {};
  }
  if (outcome.kind === 'abstain') return { [`${arm}_abstentions`]: 1 };
  if (outcome.kind === 'reply') return { [`${arm}_trials`]: 1, [`${arm}_replies`]: 1 };
  const failure = outcome.code === 'timeout' ? 'timeouts' : 'exceptions';
  return { [`${arm}_trials`]: 1, [`${arm}_${failure}`]: 1 };
}

/** The arm to remember an interaction under after a call, or undefined when later ratings cannot concern it. */
export function rememberedArm(arm: CapabilityArm, outcome: HandlerOutcome): InteractionArm | undefined {
  if (outcome.kind === 'reply') return arm;
  if (outcome.kind === 'error' && arm === 'canary') return 'canary-fallback';
  return undefined;
}

/** A negative rating of an interaction remembered under `arm`: an error of the reply that arm gave. */
export function negativeFeedbackIncrements(arm: InteractionArm): Increments {
  if (arm === 'canary') return { canary_negative: 1 };
  if (arm === 'control') return { control_negative: 1 };
  if (arm === 'promoted') return { served_errors: 1 };
  return {};
}

/** Trust recorded the interaction as failed (an error outcome or a failed tool call). */
export function failureIncrements(arm: InteractionArm): Increments {
  if (arm === 'control') return { control_failures: 1 };
  if (arm === 'promoted') return { served_errors: 1 };
  return { canary_failures: 1 };
}

/** Counters that move a canary's verdict (the others are read next to it, never judged). */
export const judgedCounters: ReadonlySet<CapabilityCounter> = new Set([
  'canary_trials',
  'canary_negative',
  'served',
  'served_errors',
]);

/**
 * Whether trust records this interaction as a failure: the rule of trust's `recordInteraction` (an error
 * outcome or a failed tool call, of a model run: never a refusal, nor a cache or pattern answer). Learn
 * does not import trust (primitives never import one another), so the rule is repeated here.
 */
export function trustRecordsFailure(record: InteractionRecord): boolean {
  if (record.outcome === 'refused' || record.tier === 'cache' || record.tier === 'pattern') return false;
  return record.outcome === 'error' || record.toolCalls.some((call) => call.status === 'failed');
}

/** How long an interaction's arm is remembered: feedback later than this no longer counts. */
export const interactionRetentionMs = 30 * 86_400_000;
