/**
 * Learn as a pipeline primitive: its handlers answer in the pattern tier's place, feedback on their
 * replies counts against them, and every few minutes after a model answer the loop looks for new
 * clusters in the background (never delaying a reply). It reads the pattern tier's observations, so it
 * needs `optimization.patterns` and 'pattern' in `optimization.fallback`.
 */
import { parseDuration } from '../config/index.js';
import { shapeHash } from '../optimize/index.js';
import { definePrimitive, type Primitive } from '../pipeline/index.js';
import { trustRecordsFailure } from './canary-arms.js';
import type { ResolvedLearningConfig } from './config.js';
import { LearnTier } from './learn-tier.js';
import {
  LearningService,
  type LearningService as LearningServiceType,
  type LearningSettings,
} from './learning-service.js';
import { defaultMaxGenerations } from './regenerate.js';

/** The parts of the agent config learn reads. */
export interface LearningAgentConfig {
  learning?: ResolvedLearningConfig | undefined;
  optimization?:
    | { fallback: readonly string[]; patterns?: { costPerAnswer: number } | undefined }
    | undefined;
  systemPrompt?: string | undefined;
  model?: string | undefined;
  tools: string[];
  limits: { maxTurns: number; maxOutputTokens: number };
}

/** The opened learn primitive of one agent. */
export interface LearnPrimitive extends Primitive {
  readonly name: 'learn';
  readonly learning: LearningServiceType;
  /** The background cycle in flight, if any (tests and `close` wait for it). */
  idle(): Promise<void>;
}

/** Least time between two background detection passes. */
export const cycleIntervalMs = 5 * 60_000;

export function learningSettings(config: LearningAgentConfig): LearningSettings {
  const learning = config.learning!;
  return {
    minOccurrences: learning.patterns?.minOccurrences ?? 10,
    confidenceThreshold: learning.patterns?.confidenceThreshold ?? 0.95,
    timeWindowMs: parseDuration(learning.patterns?.timeWindow ?? '7d') ?? 7 * 86_400_000,
    autoGenerate: learning.capabilities?.autoGenerate ?? false,
    requireApproval: learning.capabilities?.requireApproval ?? true,
    testCoverage: learning.capabilities?.testCoverage ?? 0.9,
    maxGenerations: learning.capabilities?.maxGenerations ?? defaultMaxGenerations,
    strategy: learning.deployment?.strategy ?? 'canary',
    rolloutPercentage: learning.deployment?.rolloutPercentage ?? 10,
    errorRate: learning.deployment?.successCriteria?.errorRate ?? 0.01,
    costPerAnswer: config.optimization?.patterns?.costPerAnswer ?? 0.001,
  };
}

/** Opens when the agent's config has a `learning` section with `enabled` on. */
export const learnPrimitive = definePrimitive({
  name: 'learn',
  open(context, config: LearningAgentConfig): LearnPrimitive | undefined {
    if (!config.learning?.enabled) return undefined;
    const learning = new LearningService(learningSettings(config), {
      tenantId: context.tenantId,
      agentId: context.agentId,
      store: context.store,
      runtime: context.runtime,
      events: context.events,
      redactor: context.redactor,
      now: context.now,
      createId: context.createId,
      model: config.model,
      runModel: context.runModel,
    });
    // The same scope rule as the cache and pattern tiers (optimize/primitive.ts builds the same shape).
    const shape = {
      ...(config.systemPrompt === undefined ? {} : { systemPrompt: config.systemPrompt }),
      ...(config.model === undefined ? {} : { model: config.model }),
      tools: config.tools,
      limits: { maxTurns: config.limits.maxTurns, maxOutputTokens: config.limits.maxOutputTokens },
    };
    const tier = new LearnTier(
      learning,
      (turn) => shapeHash({ ...shape, ...(turn.policyKey ? { policyKey: turn.policyKey } : {}) }),
      { simulatedModel: context.runtime.simulatedModel, now: context.now },
    );
    const warnings: string[] = [];
    const observing = config.optimization?.patterns && config.optimization.fallback.includes('pattern');
    if (!observing) {
      warnings.push(
        `learning is on for ${context.tenantId}/${context.agentId} but it learns from the pattern tier's ` +
          "observations and serves in its place: add optimization.patterns and 'pattern' to optimization.fallback",
      );
    }
    let lastCycle = Number.NEGATIVE_INFINITY;
    let running: Promise<void> | undefined;
    return {
      name: 'learn',
      learning,
      tiers: [tier],
      warnings,
      idle: async () => {
        await running;
      },
      async afterTurn({ answered, record }) {
        if (trustRecordsFailure(record)) await learning.recordFailure(record.id);
        if (answered?.tier !== 'intelligent' || running || !observing) return;
        if (context.now() - lastCycle < cycleIntervalMs) return;
        lastCycle = context.now();
        // In the background: a generation is a model run, and the reply must not wait for it.
        running = learning
          .runCycle()
          .then(
            () => undefined,
            () => undefined,
          )
          .finally(() => {
            running = undefined;
          });
      },
      async onFeedback({ interactionId, rating }) {
        await learning.feedback(interactionId, rating);
      },
      async close() {
        await running;
        tier.close();
        await learning.close();
      },
    };
  },
});
