/**
 * One agent's learning loop: detect clusters, have the model write handlers, validate them in the
 * sandbox, hold them for approval, watch them in a canary, promote or roll them back. Every step is an
 * event on the agent's bus (audit records each one, with the actor of a decision).
 */
import { StewardError } from '../errors/index.js';
import type { EventBus } from '../events/index.js';
import type { ModelRun } from '../pipeline/index.js';
import type { Redactor } from '../privacy/index.js';
import type { AgentRuntime } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';
import { judgeCanary } from './canary.js';
import {
  callIncrements,
  failureIncrements,
  interactionRetentionMs,
  judgedCounters,
  negativeFeedbackIncrements,
  rememberedArm,
} from './canary-arms.js';
import { errorRateBounds } from './canary-stats.js';
import { CapabilityInteractions } from './capability-interactions.js';
import {
  type ArmCounters,
  type Capability,
  type CapabilityArm,
  type CapabilityCounter,
  type CapabilityState,
  CapabilityStore,
  capabilityStates,
} from './capability-store.js';
import { type DetectedCluster, detectClusters } from './detect.js';
import { generateHandler, runtimeModelRun } from './generate.js';
import { type AfterRollback, afterRollback, regenerationDecision } from './regenerate.js';
import { createHandlerSandbox, type HandlerOutcome, type HandlerSandbox } from './sandbox/index.js';
import { validateHandler } from './validate.js';

/** The learning settings with every default applied. */
export interface LearningSettings {
  minOccurrences: number;
  confidenceThreshold: number;
  timeWindowMs: number;
  autoGenerate: boolean;
  requireApproval: boolean;
  testCoverage: number;
  strategy: 'canary' | 'immediate';
  rolloutPercentage: number;
  errorRate: number;
  /** USD recorded for each handler answer. */
  costPerAnswer: number;
  /** Handlers one cluster may get in all: the first and its regenerations after rollbacks. */
  maxGenerations: number;
}

export interface LearningServiceOptions {
  tenantId: string;
  agentId: string;
  store: StewardStore;
  runtime: AgentRuntime;
  events: EventBus;
  redactor: Redactor;
  now: () => number;
  createId: () => string;
  model?: string | undefined;
  /** The agent's model run through every primitive's wrapModel (the daily budget); default the runtime's own. */
  runModel?: ModelRun | undefined;
}

/** What one pass of the loop did. */
export interface LearningCycle {
  observations: number;
  clusters: number;
  detected: string[];
  /** New generations written for rolled-back clusters this pass. */
  regenerated: string[];
  states: Record<string, CapabilityState>;
}

/** A capability's numbers for the analytics (`GET …/learning`, `steward learn list`). */
export interface CapabilityAnalytics {
  id: string;
  state: CapabilityState;
  size: number;
  confidence: number;
  coverage: number | null;
  abstention: number | null;
  /** Replies the handler gave (canary and promoted). */
  traffic: number;
  errors: number;
  errorRate: number | null;
  errorRateInterval: { lower: number; upper: number } | null;
  rollout: number;
  /** 1 for a cluster's first handler, then one more for each regeneration after a rollback. */
  generation: number;
  /**
   * For a rolled-back capability: replaced by a newer generation, waiting for new traffic of its cluster
   * to regenerate, or left to the model (its cluster had `maxGenerations` handlers); null otherwise.
   */
  afterRollback: AfterRollback | null;
  costSavedUsd: number;
  generationCostUsd: number;
  /** Both arms' counts (the control arm: the handler in the shadow, the chain answering). */
  arms: { canary: ArmCounters; control: ArmCounters };
}

export interface LearningAnalytics {
  byState: Record<CapabilityState, number>;
  capabilities: CapabilityAnalytics[];
}

/** Requests a rolled-back handler failed on shown to the model writing the next generation, at most. */
const maxCounterExamples = 12;

/**
 * @example
 * const learning = new LearningService(settings, { tenantId, agentId, store, runtime, events, redactor, now, createId });
 * await learning.runCycle();
 * await learning.approve(id, 'alice');
 */
export class LearningService {
  readonly capabilities: CapabilityStore;
  readonly interactions: CapabilityInteractions;
  private readonly selector: { tenantId: string; agentId: string };
  private sandbox: Promise<HandlerSandbox> | undefined;

  constructor(
    readonly settings: LearningSettings,
    private readonly options: LearningServiceOptions,
  ) {
    this.capabilities = new CapabilityStore(options.store, options.now);
    this.interactions = new CapabilityInteractions(options.store, options.now);
    this.selector = { tenantId: options.tenantId, agentId: options.agentId };
  }

  /** The shared sandbox, started on first use. */
  handlerSandbox(): Promise<HandlerSandbox> {
    this.sandbox ??= createHandlerSandbox();
    return this.sandbox;
  }

  /** Detects new clusters and, with `autoGenerate`, writes, validates and stages their handlers. */
  async runCycle(): Promise<LearningCycle> {
    const now = this.options.now();
    const found = await detectClusters(this.options.store, this.selector, this.options.redactor, {
      minOccurrences: this.settings.minOccurrences,
      confidenceThreshold: this.settings.confidenceThreshold,
      timeWindowMs: this.settings.timeWindowMs,
      now,
    });
    await this.interactions.pruneInteractions(this.selector, now - interactionRetentionMs);
    const cycle: LearningCycle = {
      observations: found.observations,
      clusters: found.clusters,
      detected: [],
      regenerated: [],
      states: {},
    };
    for (const candidate of found.candidates) {
      const id = this.options.createId();
      const inserted = await this.capabilities.insertDetected(this.selector, {
        id,
        scopeKey: candidate.scopeKey,
        clusterSignature: candidate.signature,
        cluster: candidate.summary,
      });
      if (!inserted) {
        // A candidate whose handler could not be written yet (the budget refused it) is tried again.
        const existing = await this.capabilities.ofCluster(
          this.selector,
          candidate.scopeKey,
          candidate.signature,
        );
        const waiting = existing.find((capability) => capability.state === 'detected');
        if (waiting && this.settings.autoGenerate) {
          cycle.states[waiting.id] = await this.generateAndValidate(waiting.id, candidate.others);
        }
        const regenerated = await this.regenerate(candidate, existing);
        if (regenerated) {
          cycle.regenerated.push(regenerated);
          cycle.states[regenerated] = 'detected';
          if (this.settings.autoGenerate) {
            cycle.states[regenerated] = await this.generateAndValidate(regenerated, candidate.others);
          }
        }
        continue;
      }
      cycle.detected.push(id);
      await this.emit('capability-detected', {
        capabilityId: id,
        size: candidate.summary.size,
        confidence: candidate.summary.confidence,
      });
      cycle.states[id] = 'detected';
      if (!this.settings.autoGenerate) continue;
      cycle.states[id] = await this.generateAndValidate(id, candidate.others);
    }
    return cycle;
  }

  /**
   * A rolled-back cluster with enough new members since its rollback gets a new capability (the next
   * generation, `detected`), from the cluster as it is now plus the requests the rolled-back handler
   * failed on as counter-examples; it goes through generation, validation, approval and a canary from
   * zero. Returns its id, or undefined when the cluster waits, is left to the model, or another instance
   * wrote that generation first. See regenerate.ts for the rule.
   */
  private async regenerate(
    candidate: DetectedCluster,
    history: readonly Capability[],
  ): Promise<string | undefined> {
    const decision = regenerationDecision(history, candidate.memberTimes, this.settings);
    if (decision.kind !== 'regenerate') return undefined;
    const failed = await this.interactions.failedRequests(
      this.selector,
      decision.previous.id,
      maxCounterExamples,
    );
    const counterExamples = failed.map((request) => this.options.redactor.text(request));
    const id = this.options.createId();
    const inserted = await this.capabilities.insertDetected(this.selector, {
      id,
      scopeKey: candidate.scopeKey,
      clusterSignature: candidate.signature,
      cluster: { ...candidate.summary, ...(counterExamples.length > 0 ? { counterExamples } : {}) },
      generation: decision.generation,
    });
    if (!inserted) return undefined;
    await this.emit('capability-regenerated', {
      capabilityId: id,
      previousCapabilityId: decision.previous.id,
      generation: decision.generation,
      newObservations: decision.newObservations,
      counterExamples: counterExamples.length,
    });
    return id;
  }

  /**
   * Writes and validates the handler of a `detected` capability; returns the state it ends in. When the
   * model cannot be asked (the daily budget refuses the run: `budget-exceeded`) or fails, the typed error
   * is recorded on the capability (`generationError`), which stays `detected` for the next pass.
   */
  async generateAndValidate(id: string, others: readonly string[]): Promise<CapabilityState> {
    const capability = await this.capabilities.require(this.selector, id);
    let generated: Awaited<ReturnType<typeof generateHandler>>;
    try {
      generated = await generateHandler(
        this.options.runModel ?? runtimeModelRun(this.options.runtime),
        { ...this.selector, runId: this.options.createId(), model: this.options.model },
        capability.cluster,
      );
    } catch (error) {
      if (!StewardError.isInstance(error)) throw error;
      await this.capabilities.recordGenerationError(this.selector, id, `${error.code}: ${error.message}`);
      return 'detected';
    }
    await this.capabilities.recordGeneration(this.selector, id, generated);
    await this.emit('capability-generated', {
      capabilityId: id,
      costUsd: generated.costUsd,
      simulatedModel: generated.simulatedModel,
    });
    const report = await validateHandler(
      await this.handlerSandbox(),
      generated.code,
      capability.cluster,
      others,
      {
        testCoverage: this.settings.testCoverage,
        context: { ...this.selector, now: new Date(this.options.now()).toISOString() },
      },
    );
    const next: CapabilityState = !report.passed
      ? 'failed-validation'
      : this.settings.requireApproval
        ? 'pending-approval'
        : this.deployedState();
    await this.capabilities.recordValidation(this.selector, id, report, next, this.rolloutOf(next));
    await this.emit('capability-validated', {
      capabilityId: id,
      passed: report.passed,
      coverage: report.coverage,
      abstention: report.abstention,
      state: next,
    });
    return next;
  }

  /** Approves a pending capability: it starts its canary (or serves at once with strategy `immediate`). */
  async approve(id: string, actor: string): Promise<Capability> {
    return this.decide(id, actor, 'approved', this.deployedState());
  }

  /** Rejects a pending capability; it never serves. */
  async reject(id: string, actor: string, reason?: string): Promise<Capability> {
    return this.decide(id, actor, 'rejected', 'rejected', reason);
  }

  /** Stops a capability in canary or promoted from answering (an operator's rollback). */
  async rollback(id: string, actor: string, reason = 'rolled back by an operator'): Promise<Capability> {
    const capability = await this.capabilities.require(this.selector, id);
    const moved = await this.capabilities.transition(this.selector, id, {
      from: ['canary', 'promoted'],
      to: 'rolled-back',
      rollout: 0,
      decidedBy: actor,
      decisionReason: reason,
    });
    if (!moved) {
      throw new StewardError(
        'conflict',
        `capability ${id} is ${capability.state}; only a capability in canary or promoted can be rolled back`,
      );
    }
    const stats = judgeCanary(capability.canary, this.settings.errorRate);
    await this.emit('capability-rolled-back', {
      capabilityId: id,
      automatic: false,
      actor,
      reason,
      trials: stats.trials,
      errors: stats.errors,
    });
    return this.capabilities.require(this.selector, id);
  }

  /**
   * Counts one call of a handler in its arm (canary, control in the shadow, promoted) and remembers the
   * interaction in the store, so a rating or trust's failure of it counts later on any instance.
   */
  async countCall(
    capability: Pick<Capability, 'id' | 'state'>,
    arm: CapabilityArm,
    outcome: HandlerOutcome,
    interactionId: string,
  ): Promise<void> {
    const remembered = rememberedArm(arm, outcome);
    if (remembered) {
      await this.interactions.recordInteraction(this.selector, {
        interactionId,
        capabilityId: capability.id,
        arm: remembered,
      });
    }
    await this.count(capability, callIncrements(arm, outcome));
  }

  /** A rating of an interaction: negative counts as an error of the arm that answered it (the first rating only). */
  async feedback(interactionId: string, rating: 'positive' | 'negative'): Promise<void> {
    const marked = await this.interactions.markInteraction(this.selector, interactionId, {
      feedback: rating,
    });
    if (rating !== 'negative') return;
    await this.countMarked(marked, negativeFeedbackIncrements);
  }

  /** Trust recorded the interaction as failed: counted once per capability, in the arm it was in. */
  async recordFailure(interactionId: string): Promise<void> {
    const marked = await this.interactions.markInteraction(this.selector, interactionId, { failed: true });
    await this.countMarked(marked, failureIncrements);
  }

  /**
   * Adds to a capability's counters and, when they move its verdict, decides for a canary: promote,
   * roll back, or go on (a promoted one can still be rolled back).
   */
  async count(
    capability: Pick<Capability, 'id' | 'state'>,
    increments: Partial<Record<CapabilityCounter, number>>,
  ): Promise<void> {
    await this.capabilities.count(this.selector, capability.id, increments);
    if (capability.state !== 'canary' && capability.state !== 'promoted') return;
    if (!Object.keys(increments).some((counter) => judgedCounters.has(counter as CapabilityCounter))) return;
    const fresh = await this.capabilities.get(this.selector, capability.id);
    if (!fresh || (fresh.state !== 'canary' && fresh.state !== 'promoted')) return;
    const counters =
      fresh.state === 'canary'
        ? fresh.canary
        : {
            ...fresh.canary,
            replies: fresh.canary.replies + fresh.served,
            exceptions: fresh.canary.exceptions + fresh.servedErrors,
          };
    const verdict = judgeCanary(counters, this.settings.errorRate);
    if (verdict.decision === 'rollback') {
      const reason =
        `error rate ${verdict.errors}/${verdict.trials}: its lower bound ${verdict.lower.toFixed(4)} is above ` +
        `successCriteria.errorRate ${this.settings.errorRate}`;
      const moved = await this.capabilities.transition(this.selector, fresh.id, {
        from: [fresh.state],
        to: 'rolled-back',
        rollout: 0,
        decisionReason: reason,
      });
      if (moved) {
        await this.emit('capability-rolled-back', {
          capabilityId: fresh.id,
          automatic: true,
          reason,
          trials: verdict.trials,
          errors: verdict.errors,
        });
      }
    } else if (verdict.decision === 'promote' && fresh.state === 'canary') {
      const moved = await this.capabilities.transition(this.selector, fresh.id, {
        from: ['canary'],
        to: 'promoted',
        rollout: 100,
      });
      if (moved) {
        await this.emit('capability-promoted', {
          capabilityId: fresh.id,
          trials: verdict.trials,
          errors: verdict.errors,
          upperBound: verdict.upper,
        });
      }
    }
  }

  list(states?: readonly CapabilityState[]): Promise<Capability[]> {
    return this.capabilities.list(this.selector, states ? { states } : {});
  }

  get(id: string): Promise<Capability> {
    return this.capabilities.require(this.selector, id);
  }

  /** Candidates by state, and per capability its traffic, coverage, error rate with its interval, cost saved. */
  async analytics(): Promise<LearningAnalytics> {
    const all = await this.list();
    const baseline = await this.modelAnswerCost();
    const byState = Object.fromEntries(capabilityStates.map((state) => [state, 0])) as Record<
      CapabilityState,
      number
    >;
    for (const capability of all) byState[capability.state]++;
    return {
      byState,
      capabilities: all.map((capability) => {
        const traffic = capability.canary.replies + capability.served;
        const errors =
          capability.canary.exceptions +
          capability.canary.timeouts +
          capability.canary.negative +
          capability.servedErrors;
        const trials = traffic + capability.canary.exceptions + capability.canary.timeouts;
        return {
          id: capability.id,
          state: capability.state,
          size: capability.cluster.size,
          confidence: capability.cluster.confidence,
          coverage: capability.validationReport?.coverage ?? null,
          abstention: capability.validationReport?.abstention ?? null,
          traffic,
          errors,
          errorRate: trials > 0 ? errors / trials : null,
          errorRateInterval: trials > 0 ? errorRateBounds(errors, trials) : null,
          rollout: capability.rollout,
          generation: capability.generation,
          afterRollback: afterRollback(capability, all, this.settings.maxGenerations),
          costSavedUsd:
            baseline === undefined ? 0 : Math.max(0, traffic * (baseline - this.settings.costPerAnswer)),
          generationCostUsd: capability.generationCostUsd,
          arms: { canary: capability.canary, control: capability.control },
        };
      }),
    };
  }

  async close(): Promise<void> {
    const sandbox = this.sandbox;
    this.sandbox = undefined;
    if (sandbox) (await sandbox).close();
  }

  private async countMarked(
    marked: ReadonlyArray<{ capabilityId: string; arm: Parameters<typeof failureIncrements>[0] }>,
    incrementsOf: typeof failureIncrements,
  ): Promise<void> {
    for (const { capabilityId, arm } of marked) {
      const increments = incrementsOf(arm);
      if (Object.keys(increments).length === 0) continue;
      const capability = await this.capabilities.get(this.selector, capabilityId);
      if (capability) await this.count(capability, increments);
    }
  }

  /** The agent's average model answer (optimize's cost baseline), when it has one. */
  private async modelAnswerCost(): Promise<number | undefined> {
    type Baselines = {
      cost_baselines: {
        tenant_id: string;
        agent_id: string;
        model_answers: number;
        model_cost_micro_usd: number;
      };
    };
    const row = await this.options.store.db
      .withTables<Baselines>()
      .selectFrom('cost_baselines' as never)
      .selectAll()
      .where('tenant_id' as never, '=', this.selector.tenantId as never)
      .where('agent_id' as never, '=', this.selector.agentId as never)
      .executeTakeFirst()
      .catch(() => undefined);
    const baseline = row as { model_answers: number; model_cost_micro_usd: number } | undefined;
    if (!baseline || Number(baseline.model_answers) === 0) return undefined;
    return Number(baseline.model_cost_micro_usd) / Number(baseline.model_answers) / 1_000_000;
  }

  private async decide(
    id: string,
    actor: string,
    decision: 'approved' | 'rejected',
    to: CapabilityState,
    reason?: string,
  ): Promise<Capability> {
    const capability = await this.capabilities.require(this.selector, id);
    const moved = await this.capabilities.transition(this.selector, id, {
      from: ['pending-approval'],
      to,
      rollout: this.rolloutOf(to),
      decidedBy: actor,
      ...(reason ? { decisionReason: reason } : {}),
    });
    if (!moved) {
      throw new StewardError(
        'conflict',
        `capability ${id} is ${capability.state}; only a capability pending approval can be ${decision}`,
      );
    }
    await this.emit('capability-decided', {
      capabilityId: id,
      decision,
      actor,
      state: to,
      ...(reason ? { reason } : {}),
    });
    return this.capabilities.require(this.selector, id);
  }

  private deployedState(): CapabilityState {
    return this.settings.strategy === 'immediate' ? 'promoted' : 'canary';
  }

  private rolloutOf(state: CapabilityState): number {
    if (state === 'promoted') return 100;
    if (state === 'canary' || state === 'pending-approval') return this.settings.rolloutPercentage;
    return 0;
  }

  private async emit<
    Name extends
      | 'capability-detected'
      | 'capability-generated'
      | 'capability-validated'
      | 'capability-decided'
      | 'capability-promoted'
      | 'capability-rolled-back'
      | 'capability-regenerated',
  >(
    name: Name,
    payload: Omit<Parameters<EventBus['emit']>[1] & Record<string, unknown>, 'tenantId' | 'agentId' | 'at'>,
  ): Promise<void> {
    await this.options.events.emit(name, {
      ...this.selector,
      at: this.options.now(),
      ...payload,
    } as never);
  }
}
