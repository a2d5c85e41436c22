import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../agent/index.js';
import { InvalidConfigError, StewardError } from '../errors/index.js';
import type { EventScope } from '../events/index.js';
import { EventBus } from '../events/index.js';
import { FunctionRuntime, type RuntimeFunction } from '../runtime/index.js';
import { attachTelemetry } from './index.js';

const SECRET = 'SECRET-7f3a';

let exporter: InMemorySpanExporter;
let provider: BasicTracerProvider;
let tracer: Tracer;
const cleanups: Array<() => unknown> = [];

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  tracer = provider.getTracer('test');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await provider.shutdown();
});

const spans = () => exporter.getFinishedSpans();
const named = (name: string) => spans().filter((span) => span.name === name);
const only = (name: string): ReadableSpan => {
  const found = named(name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};

/** Every string an exporter would send: attribute values, event names and attributes, status messages. */
function exportedStrings(span: ReadableSpan): string[] {
  const values = [
    span.name,
    span.status.message ?? '',
    ...Object.values(span.attributes).map(String),
    ...span.events.flatMap((event) => [event.name, ...Object.values(event.attributes ?? {}).map(String)]),
  ];
  return values;
}

function agentWith(answer: RuntimeFunction): ClaudeAgent {
  let counter = 0;
  const agent = new ClaudeAgent({
    tenantId: 'acme',
    agentId: 'front-desk',
    model: 'claude-sonnet-4-5',
    store: { path: ':memory:' },
    runtime: new FunctionRuntime(answer, { costUsd: 0.02 }),
    createId: () => `id-${++counter}`,
  });
  cleanups.push(() => agent.close());
  return agent;
}

/** A run that asks for three tools: one completes, one is denied, one fails. */
const runWithTools: RuntimeFunction = async (request) => {
  const emit = request.onEvent!;
  const input = { command: `echo ${SECRET}` };
  emit({ type: 'tool-call-requested', toolUseId: 'toolu_1', toolName: 'Read', input });
  emit({
    type: 'tool-call-decided',
    toolUseId: 'toolu_1',
    toolName: 'Read',
    decision: { behavior: 'allow', details: { rule: 'level' } },
    source: 'can-use-tool',
  });
  emit({ type: 'tool-call-completed', toolUseId: 'toolu_1', toolName: 'Read', output: `file ${SECRET}` });
  emit({ type: 'tool-call-requested', toolUseId: 'toolu_2', toolName: 'Bash', input });
  emit({
    type: 'tool-call-decided',
    toolUseId: 'toolu_2',
    toolName: 'Bash',
    decision: { behavior: 'deny', message: `Bash(echo ${SECRET}) is not allowed` },
    source: 'pre-tool-use-hook',
  });
  emit({ type: 'tool-call-requested', toolUseId: 'toolu_3', toolName: 'Write', input });
  emit({ type: 'tool-call-failed', toolUseId: 'toolu_3', toolName: 'Write', error: `disk full ${SECRET}` });
  return {
    text: `done, ${SECRET}`,
    costUsd: 0.0123,
    toolCalls: [
      { toolUseId: 'toolu_1', toolName: 'Read', input, status: 'succeeded' },
      { toolUseId: 'toolu_2', toolName: 'Bash', input, status: 'denied', message: 'not allowed' },
      { toolUseId: 'toolu_3', toolName: 'Write', input, status: 'failed', message: `disk full ${SECRET}` },
    ],
    usage: { inputTokens: 100, outputTokens: 40, cacheReadInputTokens: 500, cacheCreationInputTokens: 20 },
  };
};

describe('attachTelemetry on a ClaudeAgent', () => {
  it('traces an interaction as invoke_agent with execute_tool children, GenAI and steward attributes', async () => {
    const agent = agentWith(runWithTools);
    cleanups.push(
      attachTelemetry(agent.events, { tracer, agentName: 'Front desk', model: 'claude-sonnet-4-5' }),
    );
    const reply = await agent.handle({ text: `Hello ${SECRET}`, conversationId: 'conv-1', channel: 'web' });

    const invoke = only('invoke_agent Front desk');
    expect(invoke.kind).toBe(SpanKind.INTERNAL);
    expect(invoke.attributes).toEqual({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.agent.name': 'Front desk',
      'gen_ai.agent.id': 'front-desk',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.conversation.id': 'conv-1',
      'gen_ai.usage.input_tokens': 620,
      'gen_ai.usage.output_tokens': 40,
      'gen_ai.usage.cache_read.input_tokens': 500,
      'gen_ai.usage.cache_creation.input_tokens': 20,
      'steward.tenant.id': 'acme',
      'steward.interaction.id': reply.interactionId,
      'steward.channel': 'web',
      'steward.tier': 'intelligent',
      'steward.cost_usd': 0.0123,
      'steward.outcome': 'denied',
      'steward.simulated_model': true,
      'steward.tool_call.count': 3,
    });
    expect(invoke.status.code).toBe(SpanStatusCode.UNSET);
    expect(invoke.parentSpanContext).toBeUndefined();

    const read = only('execute_tool Read');
    const bash = only('execute_tool Bash');
    const write = only('execute_tool Write');
    for (const tool of [read, bash, write]) {
      expect(tool.kind).toBe(SpanKind.INTERNAL);
      expect(tool.parentSpanContext?.spanId).toBe(invoke.spanContext().spanId);
      expect(tool.spanContext().traceId).toBe(invoke.spanContext().traceId);
      expect(tool.attributes['gen_ai.operation.name']).toBe('execute_tool');
    }
    expect(read.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'Read',
      'gen_ai.tool.call.id': 'toolu_1',
      'steward.tool.decision': 'allow',
      'steward.tool.decision_source': 'can-use-tool',
      'steward.tool.decision_rule': 'level',
    });
    expect(read.status.code).toBe(SpanStatusCode.UNSET);
    expect(bash.attributes).toMatchObject({
      'gen_ai.tool.call.id': 'toolu_2',
      'steward.tool.decision': 'deny',
      'error.type': 'permission-denied',
    });
    expect(bash.status).toEqual({ code: SpanStatusCode.ERROR, message: 'tool call denied' });
    expect(write.attributes).toMatchObject({ 'gen_ai.tool.call.id': 'toolu_3', 'error.type': 'tool-failed' });
    expect(write.status).toEqual({ code: SpanStatusCode.ERROR, message: 'tool call failed' });
  });

  it('puts no message text, tool input, output or error text into any span', async () => {
    const agent = agentWith(runWithTools);
    cleanups.push(attachTelemetry(agent.events, { tracer }));
    await agent.handle({ text: `My card is 4111 1111 1111 1111, ${SECRET}` });
    expect(spans().length).toBe(4);
    for (const span of spans()) {
      for (const value of exportedStrings(span)) {
        expect(value).not.toContain(SECRET);
        expect(value).not.toContain('4111');
      }
    }
  });

  it('marks the span of a failed interaction with error status and error.type from its code', async () => {
    const agent = agentWith(async () => {
      throw new Error(`model crashed on ${SECRET}`);
    });
    cleanups.push(attachTelemetry(agent.events, { tracer }));
    const failure = await agent.handle({ text: 'hi' }).catch((error: unknown) => error);
    expect(StewardError.isInstance(failure) && failure.code).toBe('runtime-failed');

    const invoke = only('invoke_agent front-desk');
    expect(invoke.status).toEqual({ code: SpanStatusCode.ERROR, message: 'runtime-failed' });
    expect(invoke.attributes).toMatchObject({
      'steward.outcome': 'error',
      'error.type': 'runtime-failed',
      'steward.error.code': 'runtime-failed',
      'steward.tier': 'none',
    });
    expect(exportedStrings(invoke).join('\n')).not.toContain(SECRET);
  });

  it('sets error status for a run that reports is_error, with the outcome and cost', async () => {
    const agent = agentWith(async () => ({ text: 'partial', isError: true, stopReason: 'max-turns' }));
    cleanups.push(attachTelemetry(agent.events, { tracer }));
    await agent.handle({ text: 'hi' });
    const invoke = only('invoke_agent front-desk');
    expect(invoke.status.code).toBe(SpanStatusCode.ERROR);
    expect(invoke.attributes).toMatchObject({
      'steward.outcome': 'error',
      'error.type': 'runtime-failed',
      'steward.cost_usd': 0.02,
    });
  });

  it('stops tracing after detach', async () => {
    const agent = agentWith(async () => 'ok');
    const detach = attachTelemetry(agent.events, { tracer });
    await agent.handle({ text: 'one' });
    detach();
    detach();
    await agent.handle({ text: 'two' });
    expect(spans()).toHaveLength(1);
  });
});

describe('ClaudeAgent without explicit telemetry', () => {
  it('traces through the globally registered tracer provider', async () => {
    expect(trace.setGlobalTracerProvider(provider)).toBe(true);
    try {
      const agent = agentWith(async () => 'hello');
      await agent.handle({ text: 'hi' });
      expect(only('invoke_agent front-desk').attributes['gen_ai.agent.name']).toBe('front-desk');
    } finally {
      trace.disable();
    }
  });
});

describe('attachTelemetry on a bus', () => {
  let clock = 1_000_000;
  const scope = (interactionId: string): EventScope => ({
    tenantId: 'acme',
    agentId: 'front-desk',
    interactionId,
    conversationId: `conversation-of-${interactionId}`,
    channel: 'api',
    at: clock,
  });
  const receive = (bus: EventBus, interactionId: string) =>
    bus.emit('message-received', { ...scope(interactionId), text: SECRET });
  const request = (bus: EventBus, interactionId: string, toolUseId: string) =>
    bus.emit('tool-call-requested', { ...scope(interactionId), toolUseId, toolName: 'Read', input: {} });

  beforeEach(() => {
    clock = 1_000_000;
  });

  it('ends the oldest open interaction, and its tool spans, once maxOpenInteractions are open', async () => {
    const bus = new EventBus();
    cleanups.push(attachTelemetry(bus, { tracer, maxOpenInteractions: 2, now: () => clock }));
    await receive(bus, 'i-1');
    await request(bus, 'i-1', 'toolu_a');
    await receive(bus, 'i-2');
    expect(spans()).toHaveLength(0);
    await receive(bus, 'i-3');

    expect(spans().map((span) => span.name)).toEqual(['execute_tool Read', 'invoke_agent front-desk']);
    const [tool, evicted] = spans() as [ReadableSpan, ReadableSpan];
    expect(evicted.attributes['steward.interaction.id']).toBe('i-1');
    for (const span of [tool, evicted]) {
      expect(span.status).toEqual({
        code: SpanStatusCode.ERROR,
        message: 'ended before it completed (capacity)',
      });
      expect(span.attributes).toMatchObject({ 'steward.incomplete': true, 'error.type': 'incomplete' });
    }
  });

  it('ends interactions open longer than interactionTimeoutMs on the next event', async () => {
    const bus = new EventBus();
    cleanups.push(attachTelemetry(bus, { tracer, interactionTimeoutMs: 60_000, now: () => clock }));
    await receive(bus, 'stale');
    clock += 30_000;
    await receive(bus, 'young');
    clock += 30_000;
    await receive(bus, 'newest');
    expect(spans()).toHaveLength(1);
    expect(spans()[0]!.attributes['steward.interaction.id']).toBe('stale');
    expect(spans()[0]!.status.message).toBe('ended before it completed (timeout)');
  });

  it('bounds the open tool calls of one interaction', async () => {
    const bus = new EventBus();
    cleanups.push(attachTelemetry(bus, { tracer, maxOpenToolCalls: 2 }));
    await receive(bus, 'i-1');
    for (const id of ['toolu_1', 'toolu_2', 'toolu_3']) await request(bus, 'i-1', id);
    expect(spans().map((span) => span.attributes['gen_ai.tool.call.id'])).toEqual(['toolu_1']);
  });

  it('ends the spans still open on detach, as incomplete', async () => {
    const bus = new EventBus();
    const detach = attachTelemetry(bus, { tracer });
    await receive(bus, 'i-1');
    await request(bus, 'i-1', 'toolu_1');
    detach();
    expect(spans().map((span) => [span.name, span.status.message])).toEqual([
      ['execute_tool Read', 'ended before it completed (detached)'],
      ['invoke_agent front-desk', 'ended before it completed (detached)'],
    ]);
  });

  it('ends the span at reply-sent when no interaction-completed comes, and ignores unknown interactions', async () => {
    const bus = new EventBus();
    cleanups.push(attachTelemetry(bus, { tracer }));
    await receive(bus, 'i-1');
    await request(bus, 'unknown', 'toolu_x');
    await bus.emit('tier-answered', { ...scope('i-1'), tier: 'cache', costUsd: 0 });
    await bus.emit('reply-sent', { ...scope('i-1'), text: SECRET, tier: 'cache' });
    expect(spans()).toHaveLength(1);
    expect(spans()[0]!.attributes).toMatchObject({ 'steward.tier': 'cache', 'steward.cost_usd': 0 });
  });

  it('records trust approvals and budget exhaustion as events of the interaction span', async () => {
    const bus = new EventBus();
    cleanups.push(attachTelemetry(bus, { tracer }));
    await receive(bus, 'i-1');
    const agentScope = { tenantId: 'acme', agentId: 'front-desk', at: clock };
    await bus.emit('trust-approval-requested', {
      ...agentScope,
      approvalId: 'ap-1',
      interactionId: 'i-1',
      toolName: 'Bash',
      level: 1,
      expiresAt: clock + 1_000,
    });
    await bus.emit('budget-exhausted', {
      ...agentScope,
      day: '2026-06-15',
      timeZone: 'UTC',
      interactionId: 'i-1',
      dailyUsd: 1,
      spentUsd: 1,
      reservedUsd: 0,
      requestedUsd: 0.1,
    });
    await bus.emit('reply-sent', { ...scope('i-1'), text: 'x', tier: 'fallback' });
    expect(only('invoke_agent front-desk').events.map((event) => event.name)).toEqual([
      'steward.trust.approval_requested',
      'steward.budget.exhausted',
    ]);
  });

  it('keeps nothing for spans that are not recorded (sampled out, or no provider registered)', async () => {
    const sampledOut = new BasicTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const bus = new EventBus();
    cleanups.push(attachTelemetry(bus, { tracer: sampledOut.getTracer('off') }));
    cleanups.push(attachTelemetry(bus)); // the global API, no provider registered: no-op
    expect(trace.getTracer('claude-steward').startSpan('probe').isRecording()).toBe(false);
    await receive(bus, 'i-1');
    await request(bus, 'i-1', 'toolu_1');
    await bus.emit('reply-sent', { ...scope('i-1'), text: 'x', tier: 'intelligent' });
    expect(spans()).toHaveLength(0);
  });

  it('never lets a failing tracer break the pipeline', async () => {
    const broken = {
      startSpan() {
        throw new Error('exporter exploded');
      },
      startActiveSpan() {
        throw new Error('exporter exploded');
      },
    } as unknown as Tracer;
    const bus = new EventBus();
    cleanups.push(attachTelemetry(bus, { tracer: broken }));
    await expect(receive(bus, 'i-1')).resolves.toBeUndefined();
  });

  it('rejects unknown or invalid options with InvalidConfigError', () => {
    const bus = new EventBus();
    expect(() => attachTelemetry(bus, { maxOpenInteractions: 0 })).toThrow(InvalidConfigError);
    expect(() => attachTelemetry(bus, { tracer: {} as Tracer })).toThrow(/Tracer/);
    expect(() => attachTelemetry(bus, { agentName: '' })).toThrow(InvalidConfigError);
    expect(() => attachTelemetry(bus, { providerName: 'openai' as 'anthropic' })).toThrow(InvalidConfigError);
    expect(() => attachTelemetry(bus, { exporter: true } as never)).toThrow(/exporter/);
  });
});

describe('the OpenTelemetry boundary', () => {
  it('is imported only under src/telemetry/, so the rest of the core never needs the API', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const files = (await readdir(join(root, 'src'), { recursive: true })).filter((file) =>
      file.endsWith('.ts'),
    );
    const offenders: string[] = [];
    for (const file of files) {
      const path = relative(root, join(root, 'src', file))
        .split(sep)
        .join('/');
      if (path.startsWith('src/telemetry/')) continue;
      if (/from\s*['"]@opentelemetry\//.test(await readFile(join(root, 'src', file), 'utf8')))
        offenders.push(path);
    }
    expect(offenders).toEqual([]);
  });
});
