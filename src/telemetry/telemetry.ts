/**
 * Optional OpenTelemetry tracing of the pipeline, built from the events on an agent's bus: one
 * `invoke_agent {agent}` span per interaction (message-received → interaction-completed), with one
 * `execute_tool {tool}` child per tool call (tool-call-requested → completed, failed or denied). Spans
 * follow the GenAI semantic conventions and carry ids, counts, costs and outcomes, never message text,
 * tool inputs or outputs. Without a registered tracer provider the OpenTelemetry API is a no-op.
 */
import { context, diag, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { z } from 'zod';
import { validateConfig } from '../config/index.js';
import type { EventBus, StewardEventMap, StewardEventName } from '../events/index.js';
import type { InteractionRecord } from '../store/index.js';
import { genAiAttributes, operationNames, stewardAttributes, telemetryErrorTypes } from './attributes.js';

const isFunction = (value: unknown) => typeof value === 'function';

export const telemetryOptionsSchema = z
  .object({
    /** Default: `trace.getTracer('claude-steward')` from the globally registered provider (a no-op without one). */
    tracer: z
      .custom<Tracer>(
        (value) => typeof value === 'object' && value !== null && isFunction((value as Tracer).startSpan),
        'an OpenTelemetry Tracer (provider.getTracer(name))',
      )
      .optional(),
    /** `gen_ai.agent.name` and the span name's suffix; default the event's agentId. */
    agentName: z.string().min(1).max(256).optional(),
    /** `gen_ai.request.model`, e.g. the agent's configured `model`; omitted when not given. */
    model: z.string().min(1).max(256).optional(),
    /** `gen_ai.provider.name`; default 'anthropic' (Claude through Bedrock or Vertex AI has its own value). */
    providerName: z.enum(['anthropic', 'aws.bedrock', 'gcp.vertex_ai']).default('anthropic'),
    /** Most interactions traced at once; opening one more ends the oldest as incomplete. Default 1,000. */
    maxOpenInteractions: z.number().int().min(1).max(1_000_000).default(1_000),
    /** Most open tool calls per interaction; one more ends the oldest as incomplete. Default 256. */
    maxOpenToolCalls: z.number().int().min(1).max(100_000).default(256),
    /**
     * An interaction open this long (ms) without completing is ended as incomplete; default 600,000 (10 min,
     * well past the default run timeout of 2 min). Checked on every event and by an unref'd timer.
     */
    interactionTimeoutMs: z.number().int().min(1).default(600_000),
    /** Epoch ms for the timeout; inject a fake clock in tests. Span times come from the tracer. */
    now: z.custom<() => number>(isFunction, 'a function returning epoch ms').optional(),
  })
  .strict();

export type TelemetryOptions = z.input<typeof telemetryOptionsSchema>;

interface OpenInteraction {
  span: Span;
  openedAt: number;
  /** Open tool-call spans by toolUseId, oldest first. */
  tools: Map<string, Span>;
}

type EndReason = 'timeout' | 'capacity' | 'detached';

/**
 * Traces the interactions of the agent whose bus this is; returns a function that stops tracing and ends
 * the spans still open (as incomplete).
 *
 * @example
 * const detach = attachTelemetry(agent.events, { agentName: 'front-desk', model: 'claude-sonnet-4-5' });
 * // … on shutdown:
 * detach();
 */
export function attachTelemetry(bus: EventBus, options: TelemetryOptions = {}): () => void {
  const config = validateConfig(telemetryOptionsSchema, options, 'telemetry options');
  const tracer = config.tracer ?? trace.getTracer('claude-steward');
  const now = config.now ?? Date.now;
  /** Insertion order is opening order, so the first entries are the oldest. */
  const open = new Map<string, OpenInteraction>();

  const endInteraction = (interactionId: string, entry: OpenInteraction, reason: EndReason) => {
    open.delete(interactionId);
    for (const toolSpan of entry.tools.values()) endIncomplete(toolSpan, reason);
    entry.tools.clear();
    endIncomplete(entry.span, reason);
  };

  const sweep = () => {
    const cutoff = now() - config.interactionTimeoutMs;
    for (const [interactionId, entry] of open) {
      if (entry.openedAt > cutoff) break;
      endInteraction(interactionId, entry, 'timeout');
    }
  };

  /** The call's span, started now when its first event is not tool-call-requested. */
  const toolSpan = (entry: OpenInteraction, payload: { toolUseId: string; toolName: string }): Span => {
    const existing = entry.tools.get(payload.toolUseId);
    if (existing) return existing;
    for (const [toolUseId, oldest] of entry.tools) {
      if (entry.tools.size < config.maxOpenToolCalls) break;
      entry.tools.delete(toolUseId);
      endIncomplete(oldest, 'capacity');
    }
    const span = tracer.startSpan(
      `${operationNames.executeTool} ${payload.toolName}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [genAiAttributes.operationName]: operationNames.executeTool,
          [genAiAttributes.toolName]: payload.toolName,
          [genAiAttributes.toolCallId]: payload.toolUseId,
        },
      },
      trace.setSpan(context.active(), entry.span),
    );
    entry.tools.set(payload.toolUseId, span);
    return span;
  };

  const endTool = (entry: OpenInteraction, toolUseId: string, span: Span) => {
    entry.tools.delete(toolUseId);
    span.end();
  };

  const handlers: { [Name in StewardEventName]?: (payload: StewardEventMap[Name]) => void } = {
    'message-received': (payload) => {
      sweep();
      if (open.has(payload.interactionId)) return;
      const agentName = config.agentName ?? payload.agentId;
      const span = tracer.startSpan(
        `${operationNames.invokeAgent} ${agentName}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: {
            [genAiAttributes.operationName]: operationNames.invokeAgent,
            [genAiAttributes.providerName]: config.providerName,
            [genAiAttributes.agentName]: agentName,
            [genAiAttributes.agentId]: payload.agentId,
            ...(config.model === undefined ? {} : { [genAiAttributes.requestModel]: config.model }),
            [genAiAttributes.conversationId]: payload.conversationId,
            [stewardAttributes.tenantId]: payload.tenantId,
            [stewardAttributes.interactionId]: payload.interactionId,
            [stewardAttributes.channel]: payload.channel,
          },
        },
        context.active(),
      );
      // Not sampled, or no provider: nothing to record, nothing to keep.
      if (!span.isRecording()) return;
      for (const [interactionId, oldest] of open) {
        if (open.size < config.maxOpenInteractions) break;
        endInteraction(interactionId, oldest, 'capacity');
      }
      open.set(payload.interactionId, { span, openedAt: now(), tools: new Map() });
    },
    'tier-answered': (payload) => {
      open.get(payload.interactionId)?.span.setAttributes({
        [stewardAttributes.tier]: payload.tier,
        [stewardAttributes.costUsd]: payload.costUsd,
      });
    },
    'tool-call-requested': (payload) => {
      const entry = open.get(payload.interactionId);
      if (entry) toolSpan(entry, payload);
    },
    'tool-call-allowed': (payload) => {
      const entry = open.get(payload.interactionId);
      if (!entry) return;
      toolSpan(entry, payload).setAttributes({
        [stewardAttributes.toolDecision]: 'allow',
        [stewardAttributes.toolDecisionSource]: payload.source,
        ...(payload.rule === undefined ? {} : { [stewardAttributes.toolDecisionRule]: payload.rule }),
      });
    },
    'tool-call-denied': (payload) => {
      const entry = open.get(payload.interactionId);
      if (!entry) return;
      const span = toolSpan(entry, payload);
      span.setAttributes({
        [stewardAttributes.toolDecision]: 'deny',
        [stewardAttributes.toolDecisionSource]: payload.source,
        ...(payload.rule === undefined ? {} : { [stewardAttributes.toolDecisionRule]: payload.rule }),
        [genAiAttributes.errorType]: telemetryErrorTypes.toolDenied,
      });
      // The deny message may quote the tool input: the status says only what happened.
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'tool call denied' });
      endTool(entry, payload.toolUseId, span);
    },
    'tool-call-completed': (payload) => {
      const entry = open.get(payload.interactionId);
      if (entry) endTool(entry, payload.toolUseId, toolSpan(entry, payload));
    },
    'tool-call-failed': (payload) => {
      const entry = open.get(payload.interactionId);
      if (!entry) return;
      const span = toolSpan(entry, payload);
      span.setAttribute(genAiAttributes.errorType, telemetryErrorTypes.toolFailed);
      // The failure text is tool output: kept out of the span.
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'tool call failed' });
      endTool(entry, payload.toolUseId, span);
    },
    'trust-approval-requested': (payload) => {
      open.get(payload.interactionId)?.span.addEvent('steward.trust.approval_requested', {
        'steward.approval.id': payload.approvalId,
        [genAiAttributes.toolName]: payload.toolName,
        'steward.trust.level': payload.level,
      });
    },
    'trust-approval-decided': (payload) => {
      open.get(payload.interactionId)?.span.addEvent('steward.trust.approval_decided', {
        'steward.approval.id': payload.approvalId,
        [genAiAttributes.toolName]: payload.toolName,
        'steward.approval.status': payload.status,
      });
    },
    'budget-exhausted': (payload) => {
      open.get(payload.interactionId)?.span.addEvent('steward.budget.exhausted', {
        'steward.budget.day': payload.day,
        'steward.budget.daily_usd': payload.dailyUsd,
        'steward.budget.spent_usd': payload.spentUsd,
      });
    },
    'interaction-completed': ({ interaction }) => {
      const entry = open.get(interaction.id);
      if (!entry) return;
      open.delete(interaction.id);
      endUnfinishedTools(entry);
      recordOutcome(entry.span, interaction);
      entry.span.end();
    },
    // Only for a bus whose emitter sends no interaction-completed: ClaudeAgent ends the span before this.
    'reply-sent': (payload) => {
      const entry = open.get(payload.interactionId);
      if (!entry) return;
      open.delete(payload.interactionId);
      endUnfinishedTools(entry);
      entry.span.setAttribute(stewardAttributes.tier, payload.tier);
      entry.span.end();
    },
  };

  const unsubscribers: Array<() => void> = [];
  for (const [name, handler] of Object.entries(handlers) as Array<
    [StewardEventName, (payload: unknown) => void]
  >) {
    unsubscribers.push(bus.on(name, guarded(name, handler)));
  }

  // Real time on purpose: it only asks; what has timed out is decided with `now()`.
  const timer = setInterval(sweep, Math.min(60_000, Math.max(1_000, config.interactionTimeoutMs)));
  timer.unref();

  let detached = false;
  return () => {
    if (detached) return;
    detached = true;
    clearInterval(timer);
    for (const unsubscribe of unsubscribers) unsubscribe();
    for (const [interactionId, entry] of open) endInteraction(interactionId, entry, 'detached');
  };
}

/** The record's tier, cost, usage and outcome; an `error` outcome sets the span's error status. */
function recordOutcome(span: Span, interaction: InteractionRecord): void {
  const { usage } = interaction;
  span.setAttributes({
    [stewardAttributes.tier]: interaction.tier,
    [stewardAttributes.outcome]: interaction.outcome,
    [stewardAttributes.costUsd]: interaction.costUsd,
    [stewardAttributes.simulatedModel]: interaction.simulatedModel,
    [stewardAttributes.toolCallCount]: interaction.toolCalls.length,
    [genAiAttributes.usageInputTokens]:
      usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens,
    [genAiAttributes.usageOutputTokens]: usage.outputTokens,
    [genAiAttributes.usageCacheReadInputTokens]: usage.cacheReadInputTokens,
    [genAiAttributes.usageCacheCreationInputTokens]: usage.cacheCreationInputTokens,
    ...(interaction.errorCode ? { [stewardAttributes.errorCode]: interaction.errorCode } : {}),
  });
  if (interaction.outcome === 'error') {
    const errorType = interaction.errorCode ?? telemetryErrorTypes.other;
    span.setAttribute(genAiAttributes.errorType, errorType);
    // The code, not errorMessage: runtime messages can quote what the user or the model wrote.
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
  }
}

/** Tool calls whose end the run never reported (e.g. aborted mid-tool), ended with their interaction. */
function endUnfinishedTools(entry: OpenInteraction): void {
  for (const span of entry.tools.values()) {
    span.setAttribute(stewardAttributes.incomplete, true);
    span.end();
  }
  entry.tools.clear();
}

function endIncomplete(span: Span, reason: EndReason): void {
  span.setAttributes({
    [stewardAttributes.incomplete]: true,
    [genAiAttributes.errorType]: telemetryErrorTypes.incomplete,
  });
  span.setStatus({ code: SpanStatusCode.ERROR, message: `ended before it completed (${reason})` });
  span.end();
}

/** Telemetry never breaks the pipeline: a handler that throws is logged through the OpenTelemetry diag logger. */
function guarded<Payload>(name: StewardEventName, handler: (payload: Payload) => void) {
  return (payload: Payload) => {
    try {
      handler(payload);
    } catch (error) {
      diag.error(`claude-steward telemetry: the ${name} handler failed`, error);
    }
  };
}
