/**
 * Serves learned handlers in the pattern tier's place (after the cache, before the model): a capability
 * in canary answers the conversations of its canary arm, a promoted one answers all, and only requests of
 * the policy scope it was validated under (the cache's scope rule: trust band, system prompt, policy). A
 * null or a failed call passes the request on to the next tier; a failure counts against the handler.
 *
 * Every serving handler is asked, not only the first that answers: when two reply differently they claim
 * one request for two kinds of request, at most one of them is right, and the tier refuses (the model
 * answers). With many handlers this turns most confusions between neighbouring kinds of request into a
 * model call instead of a wrong answer. Handlers that agree answer once (the first one counts the reply);
 * a handler overruled by a disagreement is counted neither right nor wrong.
 */
import type { AnswerTier, TierAnswer, TierContext } from '../pipeline/index.js';
import { emptyUsage } from '../runtime/index.js';
import { canaryArm } from './canary-stats.js';
import type { Capability } from './capability-store.js';
import type { LearningService } from './learning-service.js';
import type { CompiledHandler } from './sandbox/index.js';
import { equivalentReplies } from './validate.js';

/** Which capability answered an interaction, so feedback on it can count against that capability. */
export interface ServedBy {
  capabilityId: string;
  state: 'canary' | 'promoted';
}

/** Interactions remembered for feedback, at most (oldest forgotten first). */
const MAX_REMEMBERED = 10_000;

export class LearnTier implements AnswerTier {
  readonly name = 'pattern' as const;
  /** interaction id → the capability that answered it. */
  readonly served = new Map<string, ServedBy>();
  private readonly compiled = new Map<string, { code: string; handler: Promise<CompiledHandler> }>();

  constructor(
    private readonly learning: LearningService,
    private readonly scopeOf: (context: TierContext) => string,
    private readonly options: { simulatedModel: boolean; now: () => number },
  ) {}

  async answer(context: TierContext): Promise<TierAnswer | undefined> {
    const scopeKey = this.scopeOf(context);
    const serving = await this.learning.capabilities.list(
      { tenantId: context.tenantId, agentId: context.agentId },
      { states: ['canary', 'promoted'], scopeKey },
    );
    const replies: Array<{ capability: Capability; state: 'canary' | 'promoted'; text: string }> = [];
    for (const capability of serving) {
      if (!capability.code) continue;
      const state = capability.state as 'canary' | 'promoted';
      if (
        state === 'canary' &&
        canaryArm(capability.id, context.conversationId, capability.rollout) === 'control'
      ) {
        continue;
      }
      const handler = await this.handlerOf(capability);
      const outcome = await handler.run(
        { text: context.text, channel: context.channel },
        {
          tenantId: context.tenantId,
          agentId: context.agentId,
          now: new Date(this.options.now()).toISOString(),
        },
      );
      const canary = state === 'canary';
      if (outcome.kind === 'abstain') {
        if (canary) await this.learning.count(capability, { canary_abstentions: 1 });
        continue;
      }
      if (outcome.kind === 'error') {
        const counter = outcome.code === 'timeout' ? 'canary_timeouts' : 'canary_exceptions';
        await this.learning.count(
          capability,
          canary ? { canary_trials: 1, [counter]: 1 } : { served_errors: 1 },
        );
        continue;
      }
      replies.push({ capability, state, text: outcome.text });
    }
    const chosen = replies[0];
    if (!chosen) return undefined;
    if (replies.some((reply) => !equivalentReplies(reply.text, chosen.text))) return undefined;
    const { capability, state } = chosen;
    await this.learning.count(
      capability,
      state === 'canary' ? { canary_trials: 1, canary_replies: 1 } : { served: 1 },
    );
    this.served.set(context.interactionId, { capabilityId: capability.id, state });
    if (this.served.size > MAX_REMEMBERED) this.served.delete(this.served.keys().next().value!);
    return {
      text: chosen.text,
      costUsd: this.learning.settings.costPerAnswer,
      usage: emptyUsage(),
      toolCalls: [],
      outcome: 'success',
      queueWaitMs: 0,
      simulatedModel: this.options.simulatedModel,
    };
  }

  /** Negative feedback on a handler's reply counts as an error of that handler. */
  async feedback(
    interactionId: string,
    rating: 'positive' | 'negative',
    selector: { tenantId: string; agentId: string },
  ) {
    const served = this.served.get(interactionId);
    if (!served || rating !== 'negative') return;
    const capability = await this.learning.capabilities.get(selector, served.capabilityId);
    if (!capability) return;
    await this.learning.count(
      capability,
      served.state === 'canary' ? { canary_negative: 1 } : { served_errors: 1 },
    );
  }

  close(): void {
    for (const entry of this.compiled.values())
      void entry.handler.then(
        (handler) => handler.dispose(),
        () => {},
      );
    this.compiled.clear();
  }

  private handlerOf(capability: Capability): Promise<CompiledHandler> {
    const cached = this.compiled.get(capability.id);
    if (cached && cached.code === capability.code) return cached.handler;
    const code = capability.code!;
    const handler = this.learning
      .handlerSandbox()
      .then((sandbox) => sandbox.compile(code))
      .catch(
        (error: unknown): CompiledHandler => ({
          run: async () => ({ kind: 'error', code: 'compile', message: String(error) }),
          dispose() {},
        }),
      );
    this.compiled.set(capability.id, { code, handler });
    return handler;
  }
}
