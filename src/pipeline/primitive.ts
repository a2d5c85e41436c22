/**
 * The one seam every primitive implements. ClaudeAgent opens a list of primitive definitions with the
 * agent, and each opened primitive takes part in a turn at fixed points, in list order:
 *
 *   beforeTurn   before the chain runs          trust: the permission guard at the agent's level
 *   tiers        answer tiers for the chain      optimize: cache, pattern
 *   wrapModel    around the model tier's run     optimize: the daily budget's reservation (at `admit`) and settlement
 *   withRecord   in the record's transaction     optimize: the cost rollup
 *   afterTurn    after the record is durable     trust: the outcome; optimize: cache, patterns
 *   onFeedback   feedback on an interaction      trust: a negative rating counts as an error
 *   close        when the agent closes           audit: flush the log; telemetry: end open spans; optimize: the budget lease
 *   warnings     found when it opened            optimize: a daily budget below one model run
 *
 * Events are the other half: a primitive that records or traces subscribes to `context.events` in `open`
 * (audit, telemetry), and every primitive emits its own events there. Primitives never import one
 * another's internals; what one needs from another travels on the turn's context or as an event.
 */

import type { Kysely } from 'kysely';
import type { EventBus } from '../events/index.js';
import type { Redactor } from '../privacy/index.js';
import type { AgentRuntime, RuntimeRequest } from '../runtime/index.js';
import type { BatchRows, Database, InteractionRecord, StewardStore } from '../store/index.js';
import type { AnswerTier, TierAnswer, TierContext, TierName } from './tier.js';

/** What every primitive of one agent shares; opened by the agent before any primitive. */
export interface PrimitiveContext {
  readonly tenantId: string;
  readonly agentId: string;
  readonly store: StewardStore;
  readonly runtime: AgentRuntime;
  /** The agent's event bus: emit your events here; subscribe here to record or trace the others'. */
  readonly events: EventBus;
  /** Masks PII before anything is stored (passes text through when the agent's config turns masking off). */
  readonly redactor: Redactor;
  readonly now: () => number;
  readonly createId: () => string;
  /**
   * A model run of this agent passed through every primitive's `wrapModel` (the daily budget), for a
   * primitive's own model calls (learn's handler generation); usable once all primitives opened.
   */
  readonly runModel?: ModelRun;
}

/** The tier that answered a turn, and its answer. */
export interface AnsweredTurn {
  tier: TierName;
  answer: TierAnswer;
}

/** A finished turn: its context, the answer when a tier gave one, and the interaction as recorded. */
export interface CompletedTurn {
  readonly context: TierContext;
  /** Absent when no tier answered (a tier failed, or the budget refused the model). */
  readonly answered: AnsweredTurn | undefined;
  /** The interaction as the reply reports it; the stored copy is masked. */
  readonly record: InteractionRecord;
}

/** Feedback given on one of the agent's interactions (`agent.feedback`). */
export interface InteractionFeedback {
  interactionId: string;
  rating: 'positive' | 'negative';
  at: number;
}

/** The model tier's run: one runtime request in, one answer out (the conversation resumed when it has a session). */
export type ModelRun = (request: RuntimeRequest) => Promise<TierAnswer>;

/**
 * One primitive, opened for one agent. Every member is optional: implement the points you take part in.
 * A hook that throws fails the turn like a failing store write would (`handle` rejects).
 */
export interface Primitive {
  readonly name: string;
  /** Tiers this primitive adds to the fallback chain; `optimization.fallback` orders them by name. */
  readonly tiers?: readonly AnswerTier[];
  /** What the operator should know about this primitive's setup, found when it opened (`steward serve` prints them). */
  readonly warnings?: readonly string[];
  /** Before the chain runs; may set what shapes the run on the context (`permissionGuard`, `policyKey`). */
  beforeTurn?(context: TierContext): Promise<void>;
  /**
   * Wraps the model tier's run, like a middleware: call `run` to go on, or throw to stop the model from
   * running (a `budget-exceeded` StewardError makes the turn a polite refusal; its `details.fallbackReply`,
   * when a string, is the reply).
   */
  wrapModel?(run: ModelRun): ModelRun;
  /**
   * Inside the transaction that makes the interaction record durable, with `db` its connection: a write
   * derived from the record (a cost rollup) commits with it, in the same commit as the turn's audit
   * records (one durable write per cache hit). Only writes through `db`, or hands rows to `rows` (written
   * together with the other interactions' rows of that commit); no other I/O, no events.
   */
  withRecord?(turn: CompletedTurn, db: Kysely<Database>, rows: BatchRows): Promise<void>;
  /**
   * After the turn's records are durable (the interaction, and with audit on its records up to
   * `reply-sent`), before the reply is returned.
   */
  afterTurn?(turn: CompletedTurn): Promise<void>;
  /** After feedback on an interaction is stored. */
  onFeedback?(feedback: InteractionFeedback): Promise<void>;
  /** When the agent closes, after in-flight turns drained; in reverse list order. */
  close?(): Promise<void>;
}

/**
 * How the agent opens a primitive. `Config` is the part of the agent's config the primitive reads (its
 * own section, and any core option it needs), so each primitive states what it depends on.
 *
 * @example
 * export const greeterPrimitive = definePrimitive({
 *   name: 'greeter',
 *   open: (context, config: { greeting?: string | undefined }) =>
 *     config.greeting === undefined ? undefined : { name: 'greeter', tiers: [greetingTier(config.greeting)] },
 * });
 */
export interface PrimitiveDefinition<Config> {
  readonly name: string;
  /** Opens the primitive for one agent, or returns undefined when its config leaves it off. */
  open(context: PrimitiveContext, config: Config): Primitive | undefined | Promise<Primitive | undefined>;
}

/** Types a primitive definition (an identity function, for inference). */
export function definePrimitive<Config>(
  definition: PrimitiveDefinition<Config>,
): PrimitiveDefinition<Config> {
  return definition;
}

/** Wraps `run` in every primitive's `wrapModel`, the first primitive outermost. */
export function composeModelRun(primitives: readonly Primitive[], run: ModelRun): ModelRun {
  let composed = run;
  for (let index = primitives.length - 1; index >= 0; index--) {
    const wrap = primitives[index]?.wrapModel;
    if (wrap) composed = wrap.call(primitives[index], composed);
  }
  return composed;
}
