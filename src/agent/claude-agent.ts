/** ClaudeAgent: the pipeline that wraps the Claude Agent SDK with the five primitives. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Audit } from '../audit/audit.js';
import { type Redactor, redactInteraction, redactorForAudit } from '../audit/redactor.js';
import { validateConfig } from '../config/validate.js';
import { StewardError } from '../errors/index.js';
import type { EventScope } from '../events/events.js';
import { EventBus } from '../events/index.js';
import { CostRollups } from '../optimize/analytics/cost-rollups.js';
import { BudgetService, defaultFallbackReply } from '../optimize/budget/index.js';
import { createHashingEmbedder, type Embedder } from '../optimize/cache/index.js';
import { CacheTier } from '../optimize/cache-tier.js';
import { runFallbackChain } from '../optimize/chain.js';
import type { TierName } from '../optimize/config.js';
import { PatternTier } from '../optimize/patterns/index.js';
import type { AnswerTier, TierAnswer, TierContext } from '../optimize/tier.js';
import { createDefaultRuntime } from '../runtime/default-runtime.js';
import { type AgentRuntime, emptyUsage } from '../runtime/types.js';
import { dataDirectoryOf, openStore } from '../store/open-store.js';
import type { StewardStore } from '../store/types.js';
import { attachTelemetry } from '../telemetry/index.js';
import { Trust, type TrustRunGuard } from '../trust/trust.js';
import { type AgentConfig, agentConfigSchema, type ResolvedAgentConfig } from './config-schema.js';
import { type AgentDescription, describeAgent, type StageDescription } from './describe.js';
import { IntelligentTier } from './intelligent-tier.js';
import type { InteractionRecord } from './interaction.js';
import type { InboundMessage, Reply } from './message.js';
import { checkMessage } from './normalize.js';

export interface HandleOptions {
  signal?: AbortSignal;
}

interface Started {
  store: StewardStore;
  runtime: AgentRuntime;
  chain: AnswerTier[];
  trust: Trust | undefined;
  budget: BudgetService | undefined;
  costs: CostRollups | undefined;
  audit: Audit | undefined;
}

/**
 * An agent built on the Claude Agent SDK, made production-ready.
 *
 * @example
 * const agent = new ClaudeAgent({ tenantId: 'acme-bakery', agentId: 'front-desk', systemPrompt: 'You answer customers of Acme Bakery.' });
 * const reply = await agent.handle({ text: 'When do you open?' });
 * await agent.close();
 */
export class ClaudeAgent {
  readonly tenantId: string;
  readonly agentId: string;
  /** The typed event bus; audit and analytics subscribe here. */
  readonly events = new EventBus();
  private readonly config: ResolvedAgentConfig;
  private readonly now: () => number;
  private readonly createId: () => string;
  /** Masks PII before anything is stored, when audit PII detection is on. */
  private readonly redactor: Redactor;
  private started: Promise<Started> | undefined;
  private ownsStore = false;
  private ownsRuntime = false;
  private inFlight = 0;
  private onDrained: (() => void) | undefined;
  private closing = false;

  constructor(config: AgentConfig = {}) {
    this.config = validateConfig(agentConfigSchema, config, 'ClaudeAgent config');
    this.tenantId = this.config.tenantId;
    this.agentId = this.config.agentId;
    this.now = this.config.now ?? Date.now;
    this.createId = this.config.createId ?? randomUUID;
    this.redactor = redactorForAudit(this.config.audit);
    // OpenTelemetry spans (invoke_agent, execute_tool): a no-op until the app registers a tracer provider.
    attachTelemetry(this.events, {
      agentName: this.agentId,
      ...(this.config.model ? { model: this.config.model } : {}),
    });
  }

  /** Opens the store (migrating it) and the runtime; `handle` calls it on first use. */
  async start(): Promise<void> {
    await this.ensureStarted();
  }

  /**
   * Runs one message through the pipeline and returns the reply once its record is durable.
   * Throws StewardError: `invalid-request` / `payload-too-large` for bad input; `runtime-failed`,
   * `runtime-timeout`, `queue-full` or `aborted` when no tier could answer (the failed interaction is
   * still recorded; its id is in `error.details.interactionId`).
   */
  async handle(message: InboundMessage, options: HandleOptions = {}): Promise<Reply> {
    if (this.closing) throw new StewardError('shutting-down', `agent ${this.agentId} is shutting down`);
    const checked = checkMessage(message, {
      maxMessageChars: this.config.limits.maxMessageChars,
      normalize: this.config.messageHandling.normalizeInput,
    });
    this.inFlight++;
    try {
      const { store, runtime, chain, trust, costs } = await this.ensureStarted();
      const startedAt = this.now();
      const context: TierContext = {
        tenantId: this.tenantId,
        agentId: this.agentId,
        interactionId: this.createId(),
        conversationId: checked.conversationId ?? this.createId(),
        channel: checked.channel,
        text: checked.text,
      };
      if (options.signal) context.signal = options.signal;
      let guard: TrustRunGuard | undefined;
      if (trust) {
        guard = await trust.guardFor(
          { tenantId: this.tenantId, agentId: this.agentId },
          context.interactionId,
        );
        context.permissionGuard = guard;
        context.trustBand = guard.band;
      }
      const scope: EventScope = { ...context, at: startedAt };
      await this.events.emit('message-received', {
        ...eventScope(scope),
        text: context.text,
        ...(checked.senderId ? { senderId: checked.senderId } : {}),
      });

      // A refusal (the daily budget is spent or could not be confirmed) is answered politely and recorded.
      const { answered, failure, refusal } = await runFallbackChain(chain, context);

      if (answered) {
        await this.events.emit('tier-answered', {
          ...eventScope(scope),
          at: this.now(),
          tier: answered.tier,
          costUsd: answered.answer.costUsd,
        });
      }
      if (answered?.tier === 'intelligent') {
        const followUp = answered.answer.followUp === true;
        for (const tier of chain) {
          if (tier instanceof CacheTier) await tier.store(context, answered.answer, followUp);
          if (tier instanceof PatternTier) await tier.observe(context, answered.answer, followUp);
        }
      }
      const record = refusal
        ? this.buildRefusal(context, startedAt, refusal, runtime.simulatedModel)
        : this.buildRecord(context, startedAt, answered, failure, runtime.simulatedModel);
      // The reply keeps what the model said; the stored record is masked (audit PII detection).
      await store.interactions.insert(redactInteraction(record, this.redactor));
      if (this.config.messageHandling.maintainContext && answered) {
        await store.conversations.recordTurn({
          tenantId: this.tenantId,
          agentId: this.agentId,
          conversationId: context.conversationId,
          channel: context.channel,
          sdkSessionId: answered.answer.sdkSessionId ?? null,
          at: record.createdAt,
        });
      }
      await trust?.recordInteraction(record, guard);
      await costs?.record(record);
      await this.events.emit('interaction-completed', { interaction: record });
      if (failure) {
        throw new StewardError(failure.code, failure.message, {
          cause: failure,
          details: { ...failure.details, interactionId: record.id, conversationId: record.conversationId },
        });
      }
      await this.events.emit('reply-sent', {
        ...eventScope(scope),
        at: this.now(),
        text: record.replyText,
        tier: record.tier,
      });
      return toReply(record);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.onDrained?.();
    }
  }

  /** Which stages run, which are off, and which are configured but not built yet. */
  async describe(): Promise<AgentDescription> {
    const { store, runtime, chain, trust } = await this.ensureStarted();
    const { audit } = await this.ensureStarted();
    const built = new Set<StageDescription['name']>(trust ? ['trust'] : []);
    if (audit) built.add('audit');
    if (chain.some((tier) => tier.name === 'cache')) built.add('cache');
    if (chain.some((tier) => tier.name === 'pattern')) built.add('pattern');
    return describeAgent(this.config, { store, runtime, chain: chain.map((tier) => tier.name), built });
  }

  /** The daily budget of this agent, when `optimization.budget` is configured (opened by `start`). */
  async budget(): Promise<BudgetService | undefined> {
    return (await this.ensureStarted()).budget;
  }

  /**
   * Drops this agent's cached answers (one entry when `id` is given); returns how many were dropped.
   * Throws `not-found` when the agent has no cache tier.
   */
  async invalidateCache(options: { id?: string; actor?: string } = {}): Promise<number> {
    const { chain } = await this.ensureStarted();
    const cache = chain.find((tier): tier is CacheTier => tier instanceof CacheTier);
    if (!cache) throw new StewardError('not-found', `agent ${this.agentId} has no cache tier`);
    const removed = await cache.invalidate({
      tenantId: this.tenantId,
      agentId: this.agentId,
      ...(options.id ? { id: options.id } : {}),
    });
    await this.events.emit('operator-action', {
      tenantId: this.tenantId,
      agentId: this.agentId,
      at: this.now(),
      action: 'cache-invalidated',
      ...(options.actor ? { actor: options.actor } : {}),
      details: { removed, ...(options.id ? { entryId: options.id } : {}) },
    });
    return removed;
  }

  /**
   * The pattern tier of this agent (list, retire, invalidate patterns), when `optimization.patterns` is
   * configured and `fallback` includes 'pattern'.
   */
  async patterns(): Promise<PatternTier | undefined> {
    const { chain } = await this.ensureStarted();
    return chain.find((tier): tier is PatternTier => tier instanceof PatternTier);
  }

  /** The Audit primitive of this agent, when `audit` is configured and enabled (opened by `start`). */
  async audit(): Promise<Audit | undefined> {
    return (await this.ensureStarted()).audit;
  }

  /** The Trust primitive of this agent, when `trust` is configured (opened by `start`). */
  async trust(): Promise<Trust | undefined> {
    return (await this.ensureStarted()).trust;
  }

  /**
   * Records feedback on an interaction of this agent: `negative` turns a success into an error for trust.
   * Throws `not-found` for an interaction this tenant's agent did not handle.
   */
  async feedback(interactionId: string, rating: 'positive' | 'negative', note?: string): Promise<void> {
    if (rating !== 'positive' && rating !== 'negative') {
      throw new StewardError(
        'invalid-request',
        `rating must be "positive" or "negative", received ${JSON.stringify(rating)}`,
      );
    }
    if (note !== undefined && (typeof note !== 'string' || note.length > 2000)) {
      throw new StewardError('invalid-request', 'note must be a string of at most 2000 characters');
    }
    const { store, trust } = await this.ensureStarted();
    const record = await store.interactions.get(this.tenantId, interactionId);
    if (!record || record.agentId !== this.agentId) {
      throw new StewardError('not-found', `agent ${this.agentId} has no interaction "${interactionId}"`);
    }
    const at = this.now();
    await store.interactions.setFeedback(this.tenantId, interactionId, {
      rating,
      at,
      ...(note === undefined ? {} : { note: this.redactor.text(note) }),
    });
    await trust?.service.recordFeedback(
      { tenantId: this.tenantId, agentId: this.agentId },
      interactionId,
      rating,
    );
    await this.events.emit('interaction-feedback-given', {
      tenantId: this.tenantId,
      agentId: this.agentId,
      at,
      interactionId,
      rating,
      ...(note === undefined ? {} : { note }),
    });
  }

  /** The store this agent writes to (opened by `start`). */
  async store(): Promise<StewardStore> {
    return (await this.ensureStarted()).store;
  }

  /**
   * Refuses new messages, waits up to `drainTimeoutMs` (default 30 s) for in-flight ones, then closes
   * what this agent opened (a store or runtime passed in stays open for its owner to close).
   */
  async close(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    this.closing = true;
    if (this.inFlight > 0) {
      const drained = new Promise<void>((resolve) => {
        this.onDrained = resolve;
      });
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.drainTimeoutMs ?? 30_000);
      });
      await Promise.race([drained, deadline]);
      clearTimeout(timer);
    }
    if (!this.started) return;
    const { store, runtime, audit } = await this.started.catch(() => ({
      store: undefined,
      runtime: undefined,
      audit: undefined,
    }));
    await audit?.close();
    if (this.ownsRuntime) await runtime?.close();
    if (this.ownsStore) await store?.close();
  }

  private ensureStarted(): Promise<Started> {
    this.started ??= this.open();
    return this.started;
  }

  private async open(): Promise<Started> {
    const configuredStore = this.config.store;
    let store: StewardStore;
    if (configuredStore && 'interactions' in configuredStore) {
      store = configuredStore;
    } else {
      store = await openStore(configuredStore ?? {});
      this.ownsStore = true;
    }
    let runtime = this.config.runtime;
    if (!runtime) {
      try {
        runtime = createDefaultRuntime({ runsDirectory: join(dataDirectoryOf(store), 'runs') });
      } catch (error) {
        if (this.ownsStore) await store.close();
        this.started = undefined;
        throw error;
      }
      this.ownsRuntime = true;
    }
    const trust = this.config.trust
      ? new Trust(store, this.config.trust, {
          now: this.now,
          createId: this.createId,
          bus: this.events,
          ...(this.redactor.enabled ? { redactor: this.redactor } : {}),
        })
      : undefined;
    const budgetConfig = this.config.optimization?.budget;
    const budget = budgetConfig
      ? new BudgetService(
          store,
          {
            ...(budgetConfig.daily === undefined ? {} : { daily: budgetConfig.daily }),
            alertThreshold: budgetConfig.alertThreshold,
            ...(budgetConfig.timeZone ? { timeZone: budgetConfig.timeZone } : {}),
          },
          { now: this.now, newId: this.createId, bus: this.events },
        )
      : undefined;
    const costs = this.config.optimization ? new CostRollups(store, budget?.timeZone) : undefined;
    let audit: Audit | undefined;
    if (this.config.audit?.enabled) {
      try {
        audit = new Audit(store, this.config.audit, { now: this.now, redactor: this.redactor });
        audit.attach(this.events);
        const { store: _store, runtime: _runtime, now: _now, createId: _createId, ...recorded } = this.config;
        await audit.recordConfig({ tenantId: this.tenantId, agentId: this.agentId }, recorded);
      } catch (error) {
        await audit?.close();
        if (this.ownsRuntime) await runtime.close();
        if (this.ownsStore) await store.close();
        this.started = undefined;
        throw error;
      }
    }
    return { store, runtime, chain: this.buildChain(store, runtime, budget), trust, budget, costs, audit };
  }

  /** The tiers that run, in the configured order; tiers whose primitive is not built are left out. */
  private buildChain(
    store: StewardStore,
    runtime: AgentRuntime,
    budget: BudgetService | undefined,
  ): AnswerTier[] {
    const order = this.config.optimization?.fallback ?? ['intelligent'];
    const intelligent = new IntelligentTier({
      runtime,
      store,
      bus: this.events,
      systemPrompt: this.config.systemPrompt,
      model: this.config.model,
      tools: this.config.tools,
      maxTurns: this.config.limits.maxTurns,
      maxOutputTokens: this.config.limits.maxOutputTokens,
      timeoutMs: this.config.limits.timeoutMs,
      maxBudgetUsd: this.config.optimization?.budget?.perRequest,
      budget: budget ? { service: budget, pricing: this.config.optimization?.budget?.pricing } : undefined,
      maintainContext: this.config.messageHandling.maintainContext,
      now: this.now,
    });
    const available: Partial<Record<TierName, AnswerTier>> = { intelligent };
    const optimization = this.config.optimization;
    const shape = {
      ...(this.config.systemPrompt === undefined ? {} : { systemPrompt: this.config.systemPrompt }),
      ...(this.config.model === undefined ? {} : { model: this.config.model }),
      tools: this.config.tools,
    };
    let embedder: Embedder | undefined;
    const sharedEmbedder = () => {
      embedder ??= createHashingEmbedder();
      return embedder;
    };
    if (optimization?.enableCache && optimization.fallback.includes('cache')) {
      available.cache = new CacheTier(store, optimization, {
        shape,
        embedder: sharedEmbedder(),
        now: this.now,
        simulatedModel: runtime.simulatedModel,
      });
    }
    if (optimization?.patterns && optimization.fallback.includes('pattern')) {
      available.pattern = new PatternTier(store, optimization.patterns, {
        shape,
        embedder: sharedEmbedder(),
        now: this.now,
        newId: this.createId,
        bus: this.events,
        simulatedModel: runtime.simulatedModel,
      });
    }
    return order.flatMap((name) => available[name] ?? []);
  }

  /** The record of a message no tier could answer within policy (the daily budget is spent). */
  private buildRefusal(
    context: TierContext,
    startedAt: number,
    refusal: StewardError,
    simulatedModel: boolean,
  ): InteractionRecord {
    return {
      id: context.interactionId,
      tenantId: context.tenantId,
      agentId: context.agentId,
      conversationId: context.conversationId,
      channel: context.channel,
      tier: 'fallback',
      outcome: 'refused',
      errorCode: refusal.code,
      errorMessage: refusal.message,
      requestText: context.text,
      replyText: this.config.optimization?.budget?.fallbackReply ?? defaultFallbackReply,
      costUsd: 0,
      usage: emptyUsage(),
      latencyMs: this.now() - startedAt,
      queueWaitMs: 0,
      toolCalls: [],
      simulatedModel,
      createdAt: startedAt,
    };
  }

  private buildRecord(
    context: TierContext,
    startedAt: number,
    answered: { tier: TierName; answer: TierAnswer } | undefined,
    failure: StewardError | undefined,
    simulatedModel: boolean,
  ): InteractionRecord {
    const answer = answered?.answer;
    const record: InteractionRecord = {
      id: context.interactionId,
      tenantId: context.tenantId,
      agentId: context.agentId,
      conversationId: context.conversationId,
      channel: context.channel,
      tier: answered?.tier ?? 'none',
      outcome: failure ? 'error' : (answer?.outcome ?? 'error'),
      requestText: context.text,
      replyText: answer && answer.text.trim() !== '' ? answer.text : this.config.fallbackReply,
      costUsd: answer?.costUsd ?? 0,
      usage: answer?.usage ?? emptyUsage(),
      latencyMs: this.now() - startedAt,
      queueWaitMs: answer?.queueWaitMs ?? 0,
      toolCalls: answer?.toolCalls ?? [],
      simulatedModel: answer?.simulatedModel ?? simulatedModel,
      createdAt: startedAt,
    };
    const errorCode = failure?.code ?? answer?.errorCode ?? (answered ? undefined : 'runtime-failed');
    const errorMessage =
      failure?.message ?? answer?.errorMessage ?? (answered ? undefined : 'no tier answered');
    if (errorCode) record.errorCode = errorCode;
    if (errorMessage) record.errorMessage = errorMessage;
    if (answer?.sdkSessionId) record.sdkSessionId = answer.sdkSessionId;
    return record;
  }
}

function toReply(record: InteractionRecord): Reply {
  const reply: Reply = {
    interactionId: record.id,
    conversationId: record.conversationId,
    text: record.replyText,
    tier: record.tier,
    outcome: record.outcome,
    costUsd: record.costUsd,
    usage: record.usage,
    latencyMs: record.latencyMs,
    toolCalls: record.toolCalls,
    simulatedModel: record.simulatedModel,
  };
  if (record.errorCode) reply.errorCode = record.errorCode;
  return reply;
}

/** The scope fields of an event, without the tier context's extra members. */
function eventScope(
  scope: EventScope & { permissionGuard?: unknown; text?: string; signal?: unknown },
): EventScope {
  return {
    tenantId: scope.tenantId,
    agentId: scope.agentId,
    interactionId: scope.interactionId,
    conversationId: scope.conversationId,
    channel: scope.channel,
    at: scope.at,
  };
}
