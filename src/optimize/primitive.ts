/**
 * Optimize as a pipeline primitive: the cache and pattern tiers in the fallback chain, the daily budget
 * around every model run (reserve a realistic upper bound once the run leaves the queue, settle its actual
 * cost), and after each turn the cache and patterns learn from reusable model answers and the cost
 * rollups count every interaction.
 */
import { StewardError } from '../errors/index.js';
import { definePrimitive, type ModelRun, type Primitive } from '../pipeline/index.js';
import type { RuntimeRequest, TokenUsage } from '../runtime/index.js';
import { CostRollups } from './analytics/cost-rollups.js';
import {
  type BudgetScope,
  BudgetService,
  defaultFallbackReply,
  type MeasuredRun,
  type Reservation,
} from './budget/index.js';
import { createHashingEmbedder, type Embedder } from './cache/index.js';
import { CacheTier } from './cache-tier.js';
import type { ResolvedOptimizationConfig } from './config.js';
import { PatternTier } from './patterns/index.js';
import { ReservationBound } from './reservation-bound.js';

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
  /** What the operator should know about this setup (printed by `steward serve`), e.g. a daily budget below one run. */
  readonly warnings: readonly string[];
  /**
   * Drops the agent's cached answers (one entry when `id` is given) and records the operator action;
   * returns how many were dropped. Throws `not-found` when the agent has no cache tier.
   */
  invalidateCache(options?: { id?: string; actor?: string }): Promise<number>;
}

/** Opens when the agent's config has an `optimization` section. */
export const optimizePrimitive = definePrimitive({
  name: 'optimize',
  async open(context, config: OptimizedAgentConfig): Promise<OptimizePrimitive | undefined> {
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
    // Learn's handler generation is a model run outside any turn: its cost joins the analytics here.
    const stopGenerationCosts = context.events.on('capability-generated', (event) =>
      costs.recordSpend({ ...event, category: 'learn/generation', at: event.at }),
    );
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
    const scope: BudgetScope = { tenantId: context.tenantId, agentId: context.agentId };
    const bound = budget
      ? new ReservationBound(
          {
            model: config.model,
            systemPrompt: config.systemPrompt,
            tools: config.tools,
            limits: config.limits,
            perRequestUsd,
            pricing: budgetConfig?.pricing,
          },
          budget,
          scope,
          context.now,
        )
      : undefined;
    const warnings = budget && bound ? await budgetWarnings(budget, bound, scope) : [];

    /**
     * Reserves the run's bound in the daily budget (throws `budget-exceeded` when it does not fit, or when
     * the store cannot confirm: fail closed), with the configured reply for the refusal.
     *
     * The SDK's ceiling (`maxBudgetUsd`) is `perRequest` itself: the SDK checks it only after each model
     * call, and a run that crosses it ends as an error even when the model had finished, so a lower
     * ceiling would turn ordinary answers into errors. The reservation never exceeds `perRequest` plus one
     * call's upper bound, and is usually far below it; a run that costs more than its reservation is
     * settled at its real cost.
     */
    const reserve = async (
      request: RuntimeRequest,
      service: BudgetService,
      sizer: ReservationBound,
    ): Promise<Reservation> => {
      try {
        const size = await sizer.size(request);
        return await service.reserve(scope, {
          interactionId: request.interactionId,
          amountUsd: size.amountUsd,
          inputUsd: size.inputUsd,
          conversationId: request.conversationId,
        });
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
      warnings,
      wrapModel(run: ModelRun): ModelRun {
        return async (request) => {
          const bounded = perRequestUsd === undefined ? request : { ...request, maxBudgetUsd: perRequestUsd };
          if (!budget || !bound) return run(bounded);
          let reservation: Reservation | undefined;
          // Once per turn: a run retried in a fresh session (its transcript was gone) keeps the reservation.
          const take = async () => {
            reservation ??= await reserve(bounded, budget, bound);
          };
          // Taken when the run leaves the queue, so runs waiting for a slot hold no money; a runtime that
          // does not call `admit` is checked before it is called.
          const admitted: RuntimeRequest = context.runtime.callsAdmit
            ? {
                ...bounded,
                admit: async () => {
                  await request.admit?.();
                  await take();
                },
              }
            : bounded;
          if (!context.runtime.callsAdmit) await take();
          let answer: Awaited<ReturnType<ModelRun>>;
          try {
            answer = await run(admitted);
          } catch (error) {
            if (reservation) await settleFailed(budget, reservation, error);
            throw error;
          }
          if (!reservation) {
            throw new StewardError(
              'runtime-failed',
              `the runtime "${context.runtime.name}" says it calls request.admit (callsAdmit) but answered ` +
                'without calling it, so the daily budget was not checked; call admit once the run holds its ' +
                'slot, or leave callsAdmit unset',
            );
          }
          await budget.settle(reservation, answer.costUsd, measuredRun(answer.usage));
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
      async withRecord({ record }, _db, rows) {
        rows.add(costs.rows, record);
      },
      async afterTurn({ context: turn, answered }) {
        if (answered?.tier === 'intelligent') {
          const followUp = answered.answer.followUp === true;
          await cache?.store(turn, answered.answer, followUp);
          await patterns?.observe(turn, answered.answer, followUp);
        }
      },
      async close() {
        stopGenerationCosts();
        await budget?.close();
      },
    };
  },
});

/** A completed run's tokens: all its calls' prompts (input, cache reads and writes) and its output. */
function measuredRun(usage: TokenUsage): MeasuredRun {
  return {
    promptTokens: usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens,
    outputTokens: usage.outputTokens,
  };
}

/** A daily budget below one run's reservation refuses every message: say so at start-up. */
async function budgetWarnings(
  budget: BudgetService,
  bound: ReservationBound,
  scope: BudgetScope,
): Promise<string[]> {
  const daily = budget.dailyUsd;
  if (daily === undefined) return [];
  const size = await bound.size({ prompt: typicalMessage });
  if (size.amountUsd <= daily) return [];
  const rates = bound.rates(size.promptTokens);
  const outputBasis =
    size.basis === 'learned' ? 'what recent runs needed' : 'limits.maxOutputTokens per model call';
  return [
    `optimization.budget.daily (${usd(daily)}) of ${scope.tenantId}/${scope.agentId} is below what one ` +
      `model run reserves (${usd(size.amountUsd)}: ~${size.promptTokens} input tokens at $${rates.input} per ` +
      `million on ${rates.model}, plus ${usd(size.beyondInputUsd)} for output, from ${outputBasis}), so every ` +
      'message that reaches the model will be refused. Raise daily, lower limits.maxOutputTokens, or choose ' +
      'a cheaper model.',
  ];
}

function usd(amount: number): string {
  return amount >= 0.01 || amount === 0 ? `$${amount.toFixed(2)}` : `$${amount.toFixed(4)}`;
}

/** The message the start-up check sizes a run for: one ordinary sentence. */
const typicalMessage =
  'Hello, could you tell me when you are open this week and how I can book an appointment?';

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
