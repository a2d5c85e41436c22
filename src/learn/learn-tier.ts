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
import type { CapabilityArm, ServingCapability } from './capability-store.js';
import type { LearningService } from './learning-service.js';
import type { CompiledHandler, HandlerOutcome } from './sandbox/index.js';
import { equivalentReplies } from './validate.js';

export class LearnTier implements AnswerTier {
  readonly name = 'pattern' as const;
  /** Compiled handlers by capability id (a capability's code never changes once written). */
  private readonly compiled = new Map<
    string,
    { scopeKey: string; handler: Promise<CompiledHandler | undefined> }
  >();

  constructor(
    private readonly learning: LearningService,
    private readonly scopeOf: (context: TierContext) => string,
    private readonly options: { simulatedModel: boolean; now: () => number },
  ) {}

  async answer(context: TierContext): Promise<TierAnswer | undefined> {
    const scopeKey = this.scopeOf(context);
    const selector = { tenantId: context.tenantId, agentId: context.agentId };
    const serving = await this.learning.capabilities.listServing(selector, scopeKey);
    this.forgetOthers(scopeKey, serving);
    const replies: Array<{
      capability: ServingCapability;
      arm: CapabilityArm;
      outcome: HandlerOutcome;
      text: string;
    }> = [];
    const handlerContext = {
      tenantId: context.tenantId,
      agentId: context.agentId,
      now: new Date(this.options.now()).toISOString(),
    };
    // Asked all at once: the sandbox runs them one after another without a round trip between them.
    const outcomes = await Promise.all(
      serving.map(async (capability) => {
        const handler = await this.handlerOf(selector, scopeKey, capability.id);
        if (!handler) return undefined;
        return handler.run({ text: context.text, channel: context.channel }, handlerContext);
      }),
    );
    for (const [index, capability] of serving.entries()) {
      const outcome = outcomes[index];
      if (!outcome) continue;
      // A canary's control arm runs the handler in the shadow: counted, never sent.
      const arm =
        capability.state === 'promoted'
          ? 'promoted'
          : canaryArm(capability.id, context.conversationId, capability.rollout);
      // A handler that abstains or fails, and a control arm's shadow call, are counted now; a reply is
      // counted once the tier knows it is served (a reply overruled by a disagreement counts for nothing).
      if (outcome.kind !== 'reply' || arm === 'control') {
        await this.learning.countCall(capability, arm, outcome, context.interactionId);
        continue;
      }
      replies.push({ capability, arm, outcome, text: outcome.text });
    }
    const chosen = replies[0];
    if (!chosen) return undefined;
    if (replies.some((reply) => !equivalentReplies(reply.text, chosen.text))) return undefined;
    await this.learning.countCall(chosen.capability, chosen.arm, chosen.outcome, context.interactionId);
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

  close(): void {
    for (const entry of this.compiled.values())
      void entry.handler.then(
        (handler) => handler?.dispose(),
        () => {},
      );
    this.compiled.clear();
  }

  /** The compiled handler of a capability, compiled on first use; undefined when it has no code. */
  private handlerOf(
    selector: { tenantId: string; agentId: string },
    scopeKey: string,
    id: string,
  ): Promise<CompiledHandler | undefined> {
    const cached = this.compiled.get(id);
    if (cached) return cached.handler;
    const handler = this.learning.capabilities.codeOf(selector, id).then(async (code) => {
      if (code === null) return undefined;
      try {
        return await (await this.learning.handlerSandbox()).compile(code);
      } catch (error) {
        return {
          run: async () => ({ kind: 'error', code: 'compile', message: String(error) }),
          dispose() {},
        } satisfies CompiledHandler;
      }
    });
    this.compiled.set(id, { scopeKey, handler });
    // A failed read (the database went away) is not remembered: the next request reads again.
    handler.catch(() => {
      if (this.compiled.get(id)?.handler === handler) this.compiled.delete(id);
    });
    return handler;
  }

  /** Disposes the handlers of this scope that no longer serve (rolled back): their sandbox room is freed. */
  private forgetOthers(scopeKey: string, serving: readonly ServingCapability[]): void {
    const ids = new Set(serving.map((capability) => capability.id));
    for (const [id, entry] of this.compiled) {
      if (entry.scopeKey !== scopeKey || ids.has(id)) continue;
      this.compiled.delete(id);
      void entry.handler.then(
        (handler) => handler?.dispose(),
        () => {},
      );
    }
  }
}
