/**
 * The last tier of the chain: a full model run through the AgentRuntime (the Claude Agent SDK), wrapped
 * in the primitives' `wrapModel`, resuming the conversation's SDK session when context is maintained.
 */
import type { EventBus, EventScope } from '../events/index.js';
import type { AnswerTier, ModelRun, TierAnswer, TierContext } from '../pipeline/index.js';
import type { AgentRuntime, RuntimeEvent, RuntimeRequest, RuntimeResult } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';

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
  maintainContext: boolean;
  now: () => number;
  /** Wraps each run in the primitives' `wrapModel` (the daily budget's reservation). */
  wrapModel: (run: ModelRun) => ModelRun;
}

export class IntelligentTier implements AnswerTier {
  readonly name = 'intelligent' as const;

  constructor(private readonly options: IntelligentTierOptions) {}

  async answer(context: TierContext): Promise<TierAnswer> {
    const { store, maintainContext } = this.options;
    const conversation = maintainContext
      ? await store.conversations.get(context.tenantId, context.agentId, context.conversationId)
      : undefined;
    const run = this.options.wrapModel((request) => this.run(context, request));
    return run({
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
      resumeSessionId: conversation?.sdkSessionId ?? undefined,
      sessions: maintainContext ? store.sessions.forAgent(context.tenantId, context.agentId) : undefined,
      permissionGuard: context.permissionGuard,
      signal: context.signal,
    });
  }

  /** One model run (a second, fresh one when the conversation's session is gone), its events emitted. */
  private async run(context: TierContext, request: RuntimeRequest): Promise<TierAnswer> {
    const { runtime, bus, now } = this.options;
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
    try {
      let result = await runtime.run({ ...request, onEvent });
      if (result.stopReason === 'session-not-found') {
        // The conversation's transcript is gone (retention, or a store reset): carry on in a fresh session.
        result = await runtime.run({ ...request, onEvent, resumeSessionId: undefined });
      }
      return toAnswer(result, request.resumeSessionId !== undefined);
    } finally {
      await Promise.all(pendingEvents);
    }
  }
}

export function toAnswer(result: RuntimeResult, followUp: boolean): TierAnswer {
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
  if (followUp) answer.followUp = true;
  if (result.isError) {
    answer.errorCode = result.stopReason === 'max-budget' ? 'budget-exceeded' : 'runtime-failed';
    answer.errorMessage = result.errorMessage ?? `the run stopped: ${result.stopReason}`;
  }
  return answer;
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
