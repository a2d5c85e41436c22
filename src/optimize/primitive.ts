/**
 * Optimize as a pipeline primitive: the cache and pattern tiers in the fallback chain, the daily budget
 * around every model run (reserve the run's upper bound, settle its actual cost), and after each turn the
 * cache and patterns learn from reusable model answers and the cost rollups count every interaction.
 */
import { StewardError } from '../errors/index.js';
import { definePrimitive, type ModelRun, type Primitive } from '../pipeline/index.js';
import type { RuntimeRequest } from '../runtime/index.js';
import { CostRollups } from './analytics/cost-rollups.js';
import { BudgetService, defaultFallbackReply, type Reservation } from './budget/index.js';
import { createHashingEmbedder, type Embedder } from './cache/index.js';
import { CacheTier } from './cache-tier.js';
import type { ResolvedOptimizationConfig } from './config.js';
import { PatternTier } from './patterns/index.js';
import { estimateRunCost } from './pricing.js';

/** The parts of the agent config optimize reads: its section, and what shapes an answer and a run's cost. */
export interface OptimizedAgentConfig {
  optimization?: ResolvedOptimizationConfig | undefined;
  systemPrompt?: string | undefined;
  model?: string | undefined;
  tools: string[];
  limits: { maxTurns: number; maxOutputTokens: number };
}

/** The opened optimize primitive of one agent. */
export interface OptimizePrimitive extends Primitive {
  readonly name: 'optimize';
  /** The daily budget, when `optimization.budget` is configured. */
  readonly budget: BudgetService | undefined;
  readonly costs: CostRollups;
  readonly cache: CacheTier | undefined;
  readonly patterns: PatternTier | undefined;
  /**
   * Drops the agent's cached answers (one entry when `id` is given) and records the operator action;
   * returns how many were dropped. Throws `not-found` when the agent has no cache tier.
   */
  invalidateCache(options?: { id?: string; actor?: string }): Promise<number>;
}

/** Opens when the agent's config has an `optimization` section. */
export const optimizePrimitive = definePrimitive({
  name: 'optimize',
  open(context, config: OptimizedAgentConfig): OptimizePrimitive | undefined {
    const optimization = config.optimization;
    if (!optimization) return undefined;
    const budgetConfig = optimization.budget;
    const budget = budgetConfig
      ? new BudgetService(
          context.store,
          {
            ...(budgetConfig.daily === undefined ? {} : { daily: budgetConfig.daily }),
            alertThreshold: budgetConfig.alertThreshold,
            ...(budgetConfig.timeZone ? { timeZone: budgetConfig.timeZone } : {}),
          },
          { now: context.now, newId: context.createId, bus: context.events },
        )
      : undefined;
    const costs = new CostRollups(context.store, budget?.timeZone);
    const shape = {
      ...(config.systemPrompt === undefined ? {} : { systemPrompt: config.systemPrompt }),
      ...(config.model === undefined ? {} : { model: config.model }),
      tools: config.tools,
      limits: { maxTurns: config.limits.maxTurns, maxOutputTokens: config.limits.maxOutputTokens },
    };
    // One embedder for both tiers, so a request is embedded once per turn.
    let embedder: Embedder | undefined;
    const sharedEmbedder = () => {
      embedder ??= createHashingEmbedder();
      return embedder;
    };
    const cache =
      optimization.enableCache && optimization.fallback.includes('cache')
        ? new CacheTier(context.store, optimization, {
            shape,
            embedder: sharedEmbedder(),
            now: context.now,
            simulatedModel: context.runtime.simulatedModel,
          })
        : undefined;
    const patterns =
      optimization.patterns && optimization.fallback.includes('pattern')
        ? new PatternTier(context.store, optimization.patterns, {
            shape,
            embedder: sharedEmbedder(),
            now: context.now,
            newId: context.createId,
            bus: context.events,
            simulatedModel: context.runtime.simulatedModel,
          })
        : undefined;
    const perRequestUsd = budgetConfig?.perRequest;
    const fallbackReply = budgetConfig?.fallbackReply ?? defaultFallbackReply;

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
    const reserve = async (request: RuntimeRequest, service: BudgetService): Promise<Reservation> => {
      const estimate = estimateRunCost({
        ...(config.model ? { model: config.model } : {}),
        promptChars: request.prompt.length,
        systemPromptChars: config.systemPrompt?.length ?? 0,
        maxOutputTokens: config.limits.maxOutputTokens,
        turns: config.limits.maxTurns,
        ...(budgetConfig?.pricing ? { pricing: budgetConfig.pricing } : {}),
      });
      const reserveUsd =
        perRequestUsd === undefined
          ? estimate.totalUsd
          : Math.min(estimate.totalUsd, perRequestUsd + estimate.oneCallUsd);
      try {
        return await service.reserve(
          { tenantId: request.tenantId, agentId: request.agentId },
          { interactionId: request.interactionId, amountUsd: reserveUsd },
        );
      } catch (error) {
        // The turn becomes a polite refusal with the configured reply (see Primitive.wrapModel).
        if (StewardError.isInstance(error) && error.code === 'budget-exceeded') {
          throw new StewardError(error.code, error.message, {
            cause: error,
            details: { ...error.details, fallbackReply },
          });
        }
        throw error;
      }
    };

    return {
      name: 'optimize',
      budget,
      costs,
      cache,
      patterns,
      tiers: [cache, patterns].filter((tier): tier is CacheTier | PatternTier => tier !== undefined),
      wrapModel(run: ModelRun): ModelRun {
        return async (request) => {
          const bounded = perRequestUsd === undefined ? request : { ...request, maxBudgetUsd: perRequestUsd };
          if (!budget) return run(bounded);
          const reservation = await reserve(bounded, budget);
          let answer: Awaited<ReturnType<ModelRun>>;
          try {
            answer = await run(bounded);
          } catch (error) {
            await settleFailed(budget, reservation, error);
            throw error;
          }
          await budget.settle(reservation, answer.costUsd);
          return answer;
        };
      },
      async invalidateCache(options = {}) {
        if (!cache) throw new StewardError('not-found', `agent ${context.agentId} has no cache tier`);
        const removed = await cache.invalidate({
          tenantId: context.tenantId,
          agentId: context.agentId,
          ...(options.id ? { id: options.id } : {}),
        });
        await context.events.emit('operator-action', {
          tenantId: context.tenantId,
          agentId: context.agentId,
          at: context.now(),
          action: 'cache-invalidated',
          ...(options.actor ? { actor: options.actor } : {}),
          details: { removed, ...(options.id ? { entryId: options.id } : {}) },
        });
        return removed;
      },
      async afterTurn({ context: turn, answered, record }) {
        if (answered?.tier === 'intelligent') {
          const followUp = answered.answer.followUp === true;
          await cache?.store(turn, answered.answer, followUp);
          await patterns?.observe(turn, answered.answer, followUp);
        }
        await costs.record(record);
      },
    };
  },
});

/**
 * A run that failed before it started (queue full, shutting down) spent nothing: release. One that failed
 * while running (timeout, abort, crash) may have spent up to its reservation: settle it in full, so the
 * daily budget is never undercounted.
 */
async function settleFailed(service: BudgetService, reservation: Reservation, error: unknown): Promise<void> {
  const neverStarted =
    StewardError.isInstance(error) && ['queue-full', 'shutting-down', 'invalid-request'].includes(error.code);
  if (neverStarted) await service.release(reservation);
  else await service.settle(reservation, reservation.amountUsd);
}
