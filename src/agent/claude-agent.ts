/**
 * ClaudeAgent: the pipeline that wraps the Claude Agent SDK with the primitives. It opens the store, the
 * runtime and the list of primitives below, then runs each message through the flow of
 * docs/architecture.md: before-turn hooks, the fallback chain, the durable record, after-turn hooks.
 */
import { join } from 'node:path';
import { type AuditPrimitive, auditPrimitive, redactorForAudit } from '../audit/index.js';
import { validateConfig } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { EventBus, type EventScope } from '../events/index.js';
import { type LearningService, type LearnPrimitive, learnPrimitive } from '../learn/index.js';
import type { BudgetService, OptimizePrimitive, PatternTier } from '../optimize/index.js';
import { optimizePrimitive } from '../optimize/index.js';
import {
  type AnsweredTurn,
  type AnswerTier,
  type CompletedTurn,
  composeModelRun,
  type InboundMessage,
  type Primitive,
  type PrimitiveContext,
  type PrimitiveDefinition,
  type Reply,
  runFallbackChain,
  type TierContext,
  type TierName,
} from '../pipeline/index.js';
import type { Redactor } from '../privacy/index.js';
import { type AgentRuntime, createDefaultRuntime, emptyUsage } from '../runtime/index.js';
import {
  conversationTurns,
  dataDirectoryOf,
  type InteractionRecord,
  interactionRows,
  openStore,
  type StewardStore,
  timeOrderedId,
} from '../store/index.js';
import { telemetryPrimitive } from '../telemetry/index.js';
import { type Trust, type TrustPrimitive, trustPrimitive } from '../trust/index.js';
import { type AgentConfig, agentConfigSchema, type ResolvedAgentConfig } from './config-schema.js';
import { bindConversation, customerHash, customerHashPurpose } from './customers.js';
import { type AgentDescription, describeAgent } from './describe.js';
import { type FeedbackAuthor, FeedbackLimiter, giveFeedback } from './feedback.js';
import { IntelligentTier, toAnswer } from './intelligent-tier.js';
import { checkMessage } from './normalize.js';
import { redactInteraction } from './redact-interaction.js';

/**
 * The primitives every agent composes, in order: hooks run in this order, `close` in reverse. A primitive
 * whose config section is absent (or off) does not open. To add one, write its folder with a
 * `definePrimitive` and add it here.
 */
const primitives: ReadonlyArray<PrimitiveDefinition<ResolvedAgentConfig>> = [
  auditPrimitive,
  telemetryPrimitive,
  trustPrimitive,
  optimizePrimitive,
  learnPrimitive,
];

export interface HandleOptions {
  signal?: AbortSignal;
}

interface Started {
  store: StewardStore;
  runtime: AgentRuntime;
  /** The opened primitives, in list order. */
  primitives: Primitive[];
  chain: AnswerTier[];
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
  private readonly feedbackLimiter: FeedbackLimiter;
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
    this.createId = this.config.createId ?? timeOrderedId;
    this.redactor = redactorForAudit(this.config.audit);
    this.feedbackLimiter = new FeedbackLimiter({
      perMinute: this.config.limits.feedbackPerCustomerPerMinute,
      now: this.now,
    });
  }

  /** Opens the store (migrating it), the runtime and the primitives; `handle` calls it on first use. */
  async start(): Promise<void> {
    await this.ensureStarted();
  }

  /**
   * Runs one message through the pipeline and returns the reply once its record is durable.
   * Throws StewardError: `invalid-request` / `payload-too-large` for bad input; `runtime-failed`,
   * `runtime-timeout`, `queue-full` or `aborted` when no tier could answer (the failed interaction is
   * still recorded; its id is in `error.details.interactionId`); `not-found` for a conversation the
   * caller may not continue (see `InboundMessage.customerKey`), before any tier runs.
   */
  async handle(message: InboundMessage, options: HandleOptions = {}): Promise<Reply> {
    if (this.closing) throw new StewardError('shutting-down', `agent ${this.agentId} is shutting down`);
    const checked = checkMessage(message, {
      maxMessageChars: this.config.limits.maxMessageChars,
      normalize: this.config.messageHandling.normalizeInput,
    });
    this.inFlight++;
    try {
      const { store, runtime, primitives, chain } = await this.ensureStarted();
      const startedAt = this.now();
      const interactionId = this.createId();
      // Before any tier: nobody continues (or resumes the SDK session of) a conversation not theirs.
      const customer =
        checked.customerKey === undefined ? undefined : await this.customerHashOf(store, checked.customerKey);
      const conversationId = await bindConversation(store, this.events, {
        tenantId: this.tenantId,
        agentId: this.agentId,
        conversationId: checked.conversationId,
        channel: checked.channel,
        customerHash: customer ?? null,
        at: startedAt,
        createId: this.createId,
      });
      const context: TierContext = {
        tenantId: this.tenantId,
        agentId: this.agentId,
        interactionId,
        conversationId,
        channel: checked.channel,
        text: checked.text,
      };
      if (options.signal) context.signal = options.signal;
      for (const primitive of primitives) await primitive.beforeTurn?.(context);
      const scope = eventScope(context, startedAt);
      await this.events.emit('message-received', {
        ...scope,
        text: context.text,
        ...(checked.senderId ? { senderId: checked.senderId } : {}),
      });

      // A refusal (the daily budget is spent or could not be confirmed) is answered politely and recorded.
      const { answered, failure, refusal } = await runFallbackChain(chain, context);
      if (answered) {
        await this.events.emit('tier-answered', {
          ...scope,
          at: this.now(),
          tier: answered.tier,
          costUsd: answered.answer.costUsd,
        });
      }
      const record = refusal
        ? this.buildRefusal(context, startedAt, refusal, runtime.simulatedModel)
        : this.buildRecord(context, startedAt, answered, failure, runtime.simulatedModel);
      if (customer !== undefined) record.customerHash = customer;
      // The reply keeps what the model said; the stored record is masked (audit PII detection).
      // The record and the conversation's turn commit together, grouped with other interactions' writes.
      const stored = redactInteraction(record, this.redactor);
      const turn =
        this.config.messageHandling.maintainContext && answered
          ? {
              tenantId: this.tenantId,
              agentId: this.agentId,
              conversationId: context.conversationId,
              channel: context.channel,
              sdkSessionId: answered.answer.sdkSessionId ?? null,
              at: record.createdAt,
            }
          : undefined;
      // One durable write per turn: the record, the conversation's turn and what the primitives derive from
      // the record (the cost rollup) go to the store's group writer now, not awaited yet; the audit records
      // of the events below are handed to the same writer in this turn of the event loop, so a cache hit
      // commits once. The reply returns only after both are durable; `afterTurn` runs after that.
      const completed: CompletedTurn = { context, answered, record };
      const written = store.batchWrite(async (db, rows) => {
        // Rows of the commit's interactions go in together: multi-row statements, not three per message.
        rows.add(interactionRows, stored);
        if (turn) rows.add(conversationTurns, turn);
        for (const primitive of primitives) await primitive.withRecord?.(completed, db, rows);
      });
      // Awaited below; observed now so a failure while the events are emitted is never unhandled.
      written.catch(() => {});
      await this.events.emit('interaction-completed', { interaction: record });
      if (failure) {
        await written;
        for (const primitive of primitives) await primitive.afterTurn?.(completed);
        throw new StewardError(failure.code, failure.message, {
          cause: failure,
          details: { ...failure.details, interactionId: record.id, conversationId: record.conversationId },
        });
      }
      await this.events.emit('reply-sent', {
        ...scope,
        at: this.now(),
        text: record.replyText,
        tier: record.tier,
      });
      await written;
      for (const primitive of primitives) await primitive.afterTurn?.(completed);
      return toReply(record);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.onDrained?.();
    }
  }

  /** Which stages run, which are off, and which are configured but not built yet. */
  async describe(): Promise<AgentDescription> {
    const { store, runtime, primitives, chain } = await this.ensureStarted();
    const built = new Set<string>([
      ...primitives.map((primitive) => primitive.name),
      ...chain.map((tier) => tier.name),
    ]);
    const isolation = await runtime.isolation?.();
    return describeAgent(this.config, {
      store,
      runtime,
      isolation,
      chain: chain.map((tier) => tier.name),
      built,
    });
  }

  /** What the operator should know about this agent's setup, from every primitive (opened by `start`). */
  async warnings(): Promise<string[]> {
    const { primitives } = await this.ensureStarted();
    return primitives.flatMap((primitive) => primitive.warnings ?? []);
  }

  /** The daily budget of this agent, when `optimization.budget` is configured (opened by `start`). */
  async budget(): Promise<BudgetService | undefined> {
    return (await this.primitive<OptimizePrimitive>('optimize'))?.budget;
  }

  /**
   * Drops this agent's cached answers (one entry when `id` is given); returns how many were dropped.
   * Throws `not-found` when the agent has no cache tier.
   */
  async invalidateCache(options: { id?: string; actor?: string } = {}): Promise<number> {
    const optimize = await this.primitive<OptimizePrimitive>('optimize');
    if (!optimize) throw new StewardError('not-found', `agent ${this.agentId} has no cache tier`);
    return optimize.invalidateCache(options);
  }

  /**
   * The pattern tier of this agent (list, retire, invalidate patterns), when `optimization.patterns` is
   * configured and `fallback` includes 'pattern'.
   */
  async patterns(): Promise<PatternTier | undefined> {
    return (await this.primitive<OptimizePrimitive>('optimize'))?.patterns;
  }

  /** The Audit primitive of this agent, when `audit` is configured and enabled (opened by `start`). */
  async audit(): Promise<AuditPrimitive['audit'] | undefined> {
    return (await this.primitive<AuditPrimitive>('audit'))?.audit;
  }

  /** The learning loop of this agent (capabilities, approvals, rollbacks), when `learning` is enabled. */
  async learning(): Promise<LearningService | undefined> {
    return (await this.primitive<LearnPrimitive>('learn'))?.learning;
  }

  /** The Trust primitive of this agent, when `trust` is configured (opened by `start`). */
  async trust(): Promise<Trust | undefined> {
    return (await this.primitive<TrustPrimitive>('trust'))?.trust;
  }

  /**
   * Records feedback on an interaction of this agent: `negative` turns a success into an error for trust.
   * `by` is who rates: the interaction's own customer (`{ customerKey }`, as its message carried it,
   * at most `limits.feedbackPerCustomerPerMinute`, else `rate-limited` with `retryAfterSeconds`) or an
   * operator (`{ operator: actor }`, the audit record's actor). Omitted, the caller is trusted code of
   * the application itself, as before authors were checked; routes always pass it.
   * Throws `not-found` for an interaction this tenant's agent did not handle, and for one of another
   * customer (the same answer).
   *
   * @example
   * await agent.feedback(reply.interactionId, 'negative', 'wrong opening hours', { customerKey: 'sender:+4420…' });
   */
  async feedback(
    interactionId: string,
    rating: 'positive' | 'negative',
    note?: string,
    by?: FeedbackAuthor,
  ): Promise<void> {
    const { store, primitives } = await this.ensureStarted();
    await giveFeedback(
      {
        tenantId: this.tenantId,
        agentId: this.agentId,
        store,
        primitives,
        events: this.events,
        redactor: this.redactor,
        limiter: this.feedbackLimiter,
        now: this.now,
        customerHashOf: (customerKey) => this.customerHashOf(store, customerKey),
      },
      { interactionId, rating, ...(note === undefined ? {} : { note }), ...(by === undefined ? {} : { by }) },
    );
  }

  /** The keyed hash a customer is stored as (agent/customers.ts). */
  private async customerHashOf(store: StewardStore, customerKey: string): Promise<string> {
    return customerHash(await store.deriveKey(customerHashPurpose), this.tenantId, customerKey);
  }

  /** The store this agent writes to (opened by `start`). */
  async store(): Promise<StewardStore> {
    return (await this.ensureStarted()).store;
  }

  /**
   * Refuses new messages, waits up to `drainTimeoutMs` (default 30 s) for in-flight ones, then closes
   * the primitives (last opened first) and what this agent opened (a store or runtime passed in stays
   * open for its owner to close).
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
    const started = await this.started.catch(() => undefined);
    if (!started) return;
    await closeAll(started.primitives);
    if (this.ownsRuntime) await started.runtime.close();
    if (this.ownsStore) await started.store.close();
  }

  /** The opened primitive of that name, if the config turned it on. */
  private async primitive<Opened extends Primitive>(name: Opened['name']): Promise<Opened | undefined> {
    const { primitives } = await this.ensureStarted();
    return primitives.find((primitive) => primitive.name === name) as Opened | undefined;
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
    const opened: Primitive[] = [];
    try {
      if (!runtime) {
        const dataDirectory = dataDirectoryOf(store);
        runtime = createDefaultRuntime({
          runsDirectory: join(dataDirectory, 'runs'),
          workspacesDirectory: join(dataDirectory, 'workspaces'),
        });
        this.ownsRuntime = true;
      }
      const modelRuntime = runtime;
      const context: PrimitiveContext = {
        tenantId: this.tenantId,
        agentId: this.agentId,
        store,
        runtime,
        events: this.events,
        redactor: this.redactor,
        now: this.now,
        createId: this.createId,
        runModel: (request) =>
          composeModelRun(opened, async (inner) => toAnswer(await modelRuntime.run(inner), false))(request),
      };
      for (const definition of primitives) {
        const primitive = await definition.open(context, this.config);
        if (primitive) opened.push(primitive);
      }
      return { store, runtime, primitives: opened, chain: this.buildChain(store, runtime, opened) };
    } catch (error) {
      await closeAll(opened);
      if (this.ownsRuntime) await runtime?.close();
      if (this.ownsStore) await store.close();
      this.started = undefined;
      throw error;
    }
  }

  /** The tiers that run, in the configured order: the primitives' tiers and the model tier. */
  private buildChain(store: StewardStore, runtime: AgentRuntime, opened: Primitive[]): AnswerTier[] {
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
      maintainContext: this.config.messageHandling.maintainContext,
      now: this.now,
      wrapModel: (run) => composeModelRun(opened, run),
    });
    // Several primitives may fill one position (optimize's patterns and learn's handlers), in list order.
    const available = new Map<TierName, AnswerTier[]>([['intelligent', [intelligent]]]);
    for (const primitive of opened) {
      for (const tier of primitive.tiers ?? [])
        available.set(tier.name, [...(available.get(tier.name) ?? []), tier]);
    }
    const order = this.config.optimization?.fallback ?? ['intelligent'];
    return order.flatMap((name) => available.get(name) ?? []);
  }

  /** The record of a message no tier could answer within policy (the daily budget is spent). */
  private buildRefusal(
    context: TierContext,
    startedAt: number,
    refusal: StewardError,
    simulatedModel: boolean,
  ): InteractionRecord {
    const reply = refusal.details.fallbackReply;
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
      replyText: typeof reply === 'string' ? reply : this.config.fallbackReply,
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
    answered: AnsweredTurn | undefined,
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
function eventScope(context: TierContext, at: number): EventScope {
  return {
    tenantId: context.tenantId,
    agentId: context.agentId,
    interactionId: context.interactionId,
    conversationId: context.conversationId,
    channel: context.channel,
    at,
  };
}

/** Closes opened primitives last first; every one is closed even when one fails (the first error is rethrown). */
async function closeAll(opened: readonly Primitive[]): Promise<void> {
  let failure: unknown;
  for (const primitive of [...opened].reverse()) {
    try {
      await primitive.close?.();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}
