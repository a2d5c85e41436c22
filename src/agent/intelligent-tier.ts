/** The last tier of the chain: a full model run through the AgentRuntime (the Claude Agent SDK). */

import { StewardError } from '../errors/index.js';
import type { EventScope } from '../events/events.js';
import type { EventBus } from '../events/index.js';
import type { BudgetService, Reservation } from '../optimize/budget/index.js';
import { estimateRunCost, type PricingOverrides } from '../optimize/pricing.js';
import type { AnswerTier, TierAnswer, TierContext } from '../optimize/tier.js';
import type { AgentRuntime, RuntimeEvent, RuntimeResult } from '../runtime/types.js';
import type { StewardStore } from '../store/types.js';

export interface IntelligentTierOptions {
  runtime: AgentRuntime;
  store: StewardStore;
  bus: EventBus;
  systemPrompt: string | undefined;
  model: string | undefined;
  tools: string[];
  maxTurns: number;
  maxOutputTokens: number;
  timeoutMs: number;
  /** `optimization.budget.perRequest`: the most one run may cost. */
  maxBudgetUsd: number | undefined;
  /** The daily budget: each run reserves its upper bound first and settles its actual cost after. */
  budget: { service: BudgetService; pricing: PricingOverrides | undefined } | undefined;
  maintainContext: boolean;
  now: () => number;
}

export class IntelligentTier implements AnswerTier {
  readonly name = 'intelligent' as const;

  constructor(private readonly options: IntelligentTierOptions) {}

  async answer(context: TierContext): Promise<TierAnswer> {
    const { runtime, store, bus, maintainContext, now } = this.options;
    const conversation = maintainContext
      ? await store.conversations.get(context.tenantId, context.agentId, context.conversationId)
      : undefined;
    const scope: EventScope = {
      tenantId: context.tenantId,
      agentId: context.agentId,
      interactionId: context.interactionId,
      conversationId: context.conversationId,
      channel: context.channel,
      at: 0,
    };
    // Events are emitted as the run reports them; the interaction waits for all of them before it is acknowledged.
    const pendingEvents: Array<Promise<void>> = [];
    // The guard is asked twice per call (canUseTool and the PreToolUse hook): report a decision once,
    // unless a later one denies what an earlier one allowed.
    const decided = new Map<string, 'allow' | 'deny'>();
    const onEvent = (event: RuntimeEvent) => {
      if (event.type === 'tool-call-decided') {
        const previous = decided.get(event.toolUseId);
        if (previous === 'deny' || previous === event.decision.behavior) return;
        decided.set(event.toolUseId, event.decision.behavior);
      }
      const emitted = emitRuntimeEvent(bus, { ...scope, at: now() }, event);
      if (emitted) pendingEvents.push(emitted);
    };
    const { maxBudgetUsd, reservation } = await this.reserve(context);
    let result: RuntimeResult | undefined;
    try {
      const request = {
        tenantId: context.tenantId,
        agentId: context.agentId,
        interactionId: context.interactionId,
        conversationId: context.conversationId,
        prompt: context.text,
        systemPrompt: this.options.systemPrompt,
        model: this.options.model,
        tools: this.options.tools,
        maxTurns: this.options.maxTurns,
        maxOutputTokens: this.options.maxOutputTokens,
        timeoutMs: this.options.timeoutMs,
        maxBudgetUsd,
        resumeSessionId: conversation?.sdkSessionId ?? undefined,
        sessions: maintainContext ? store.sessions.forAgent(context.tenantId, context.agentId) : undefined,
        permissionGuard: context.permissionGuard,
        signal: context.signal,
        onEvent,
      };
      result = await runtime.run(request);
      if (result.stopReason === 'session-not-found') {
        // The conversation's transcript is gone (retention, or a store reset): carry on in a fresh session.
        result = await runtime.run({ ...request, resumeSessionId: undefined });
      }
      const denied =
        result.toolCalls.some((call) => call.status === 'denied') || result.permissionDenials.length > 0;
      const answer: TierAnswer = {
        text: result.text,
        costUsd: result.costUsd,
        usage: result.usage,
        toolCalls: result.toolCalls,
        outcome: result.isError ? 'error' : denied ? 'denied' : 'success',
        queueWaitMs: result.queueWaitMs,
        simulatedModel: result.simulatedModel,
      };
      if (result.sessionId) answer.sdkSessionId = result.sessionId;
      if (request.resumeSessionId) answer.followUp = true;
      if (result.isError) {
        answer.errorCode = result.stopReason === 'max-budget' ? 'budget-exceeded' : 'runtime-failed';
        answer.errorMessage = result.errorMessage ?? `the run stopped: ${result.stopReason}`;
      }
      return answer;
    } catch (error) {
      if (reservation) await this.settleFailed(reservation, error);
      throw error;
    } finally {
      await Promise.all(pendingEvents);
      if (reservation && result) await this.options.budget!.service.settle(reservation, result.costUsd);
    }
  }

  /**
   * Reserves the run's upper bound in the daily budget (throws `budget-exceeded` when it does not fit, or
   * when the store cannot confirm: fail closed) and sets the SDK's `maxBudgetUsd` to `perRequest`.
   *
   * The SDK checks `maxBudgetUsd` only after each model call, and a run that crosses it ends as an error
   * even when the model had finished. A ceiling lowered by one call's upper bound would turn ordinary
   * one-call answers into errors, so the ceiling is `perRequest` itself: a run stops once it has spent
   * that, and the call that crossed it may add at most one call's cost. The daily reservation covers that
   * call too, so the daily budget holds whenever the estimates are upper bounds.
   */
  private async reserve(
    context: TierContext,
  ): Promise<{ maxBudgetUsd: number | undefined; reservation: Reservation | undefined }> {
    const { budget, maxBudgetUsd: perRequestUsd } = this.options;
    if (!budget) return { maxBudgetUsd: perRequestUsd, reservation: undefined };
    const estimate = estimateRunCost({
      ...(this.options.model ? { model: this.options.model } : {}),
      promptChars: context.text.length,
      systemPromptChars: this.options.systemPrompt?.length ?? 0,
      maxOutputTokens: this.options.maxOutputTokens,
      turns: this.options.maxTurns,
      ...(budget.pricing ? { pricing: budget.pricing } : {}),
    });
    const reserveUsd =
      perRequestUsd === undefined
        ? estimate.totalUsd
        : Math.min(estimate.totalUsd, perRequestUsd + estimate.oneCallUsd);
    const reservation = await budget.service.reserve(
      { tenantId: context.tenantId, agentId: context.agentId },
      { interactionId: context.interactionId, amountUsd: reserveUsd },
    );
    return { maxBudgetUsd: perRequestUsd, reservation };
  }

  /**
   * A run that failed before it started (queue full, shutting down) spent nothing: release. One that failed
   * while running (timeout, abort, crash) may have spent up to its reservation: settle it in full, so the
   * daily budget is never undercounted.
   */
  private async settleFailed(reservation: Reservation, error: unknown): Promise<void> {
    const service = this.options.budget!.service;
    const neverStarted =
      StewardError.isInstance(error) &&
      ['queue-full', 'shutting-down', 'invalid-request'].includes(error.code);
    if (neverStarted) await service.release(reservation);
    else await service.settle(reservation, reservation.amountUsd);
  }
}

function emitRuntimeEvent(bus: EventBus, scope: EventScope, event: RuntimeEvent): Promise<void> | undefined {
  switch (event.type) {
    case 'tool-call-requested':
      return bus.emit('tool-call-requested', {
        ...scope,
        ...pick(event, ['toolUseId', 'toolName', 'input']),
      });
    case 'tool-call-decided':
      return event.decision.behavior === 'allow'
        ? bus.emit('tool-call-allowed', {
            ...scope,
            ...event.decision.details,
            ...pick(event, ['toolUseId', 'toolName', 'source']),
          })
        : bus.emit('tool-call-denied', {
            ...scope,
            ...event.decision.details,
            ...pick(event, ['toolUseId', 'toolName', 'source']),
            message: event.decision.message,
          });
    case 'tool-call-completed':
      return bus.emit('tool-call-completed', {
        ...scope,
        ...pick(event, ['toolUseId', 'toolName', 'output']),
      });
    case 'tool-call-failed':
      return bus.emit('tool-call-failed', { ...scope, ...pick(event, ['toolUseId', 'toolName', 'error']) });
    default:
      return undefined;
  }
}

function pick<Source extends object, Key extends keyof Source>(
  source: Source,
  keys: Key[],
): Pick<Source, Key> {
  const picked = {} as Pick<Source, Key>;
  for (const key of keys) picked[key] = source[key];
  return picked;
}
