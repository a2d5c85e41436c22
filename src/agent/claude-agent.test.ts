import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { StewardError } from '../errors/index.js';
import type { RuntimeRequest } from '../runtime/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { replyWithText, startSimulatedModel } from '../simulator/index.js';
import type { StewardStore } from '../store/index.js';
import { openStore } from '../store/index.js';
import { ClaudeAgent } from './claude-agent.js';
import type { AgentConfig } from './config-schema.js';

let dir: string;
let store: StewardStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-agent-'));
  store = await openStore({ path: join(dir, 'steward.db') }, {});
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function agentWith(
  answer: ConstructorParameters<typeof FunctionRuntime>[0],
  config: Partial<AgentConfig> = {},
) {
  let clock = 1_000;
  let counter = 0;
  return new ClaudeAgent({
    tenantId: 'acme',
    agentId: 'front-desk',
    store,
    runtime: new FunctionRuntime(answer, { simulatedModel: true, costUsd: 0.02 }),
    now: () => (clock += 5),
    createId: () => `id-${++counter}-${Math.random().toString(36).slice(2, 8)}`,
    ...config,
  });
}

describe('ClaudeAgent.handle', () => {
  it('answers through the intelligent tier and persists the interaction before returning', async () => {
    const requests: RuntimeRequest[] = [];
    const agent = agentWith(
      async (request) => {
        requests.push(request);
        return {
          text: `echo: ${request.prompt}`,
          usage: { inputTokens: 7, outputTokens: 3, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
        };
      },
      { systemPrompt: 'Be brief.', tools: ['Read'], optimization: { budget: { perRequest: 0.5 } } },
    );
    const reply = await agent.handle({
      text: '  Hello\u0007 there \r\n',
      channel: 'web',
      conversationId: 'conv-1',
    });
    expect(reply).toMatchObject({
      text: 'echo: Hello there',
      tier: 'intelligent',
      outcome: 'success',
      costUsd: 0.02,
      conversationId: 'conv-1',
      simulatedModel: true,
    });
    expect(requests[0]).toMatchObject({
      tenantId: 'acme',
      agentId: 'front-desk',
      systemPrompt: 'Be brief.',
      tools: ['Read'],
      maxBudgetUsd: 0.5,
      maxTurns: 20,
      timeoutMs: 120_000,
    });
    const stored = await store.interactions.get('acme', reply.interactionId);
    expect(stored).toMatchObject({
      requestText: 'Hello there',
      replyText: 'echo: Hello there',
      channel: 'web',
      tier: 'intelligent',
      outcome: 'success',
      usage: { inputTokens: 7, outputTokens: 3 },
      simulatedModel: true,
    });
    expect(stored?.latencyMs).toBeGreaterThan(0);
  });

  it('gives interactions, new conversations, budget reservations and cache entries time-ordered ids (UUIDv7) unless createId is given', async () => {
    const agent = new ClaudeAgent({
      tenantId: 'acme-ids',
      agentId: 'front-desk',
      store,
      runtime: new FunctionRuntime(async () => ({ text: 'ok' }), { simulatedModel: true, costUsd: 0.01 }),
      optimization: { enableCache: true, budget: { daily: 10 } },
    });
    const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const first = await agent.handle({ text: 'first' });
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = await agent.handle({ text: 'second' });
    for (const reply of [first, second]) {
      expect(reply.interactionId).toMatch(v7);
      expect(reply.conversationId).toMatch(v7);
    }
    expect(second.interactionId > first.interactionId).toBe(true);
    const reservations = await sql<{
      id: string;
    }>`select id from budget_reservations where tenant_id = 'acme-ids'`.execute(store.db);
    const cached = await sql<{
      id: string;
    }>`select id from cache_entries where tenant_id = 'acme-ids'`.execute(store.db);
    expect(reservations.rows.length).toBeGreaterThan(0);
    expect(cached.rows.length).toBeGreaterThan(0);
    for (const { id } of [...reservations.rows, ...cached.rows]) expect(id).toMatch(v7);
    expect(await store.interactions.get('acme-ids', second.interactionId)).toMatchObject({
      requestText: 'second',
    });
    await agent.close();
  });

  it('rejects bad input with typed errors and records nothing', async () => {
    const agent = agentWith(async () => 'never', { limits: { maxMessageChars: 10 } });
    const before = (await store.interactions.list({ tenantId: 'acme', limit: 500 })).items.length;
    await expect(agent.handle({ text: '' })).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(agent.handle({ text: 42 } as never)).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(agent.handle(null as never)).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(agent.handle({ text: 'x'.repeat(11) })).rejects.toMatchObject({
      code: 'payload-too-large',
      status: 413,
    });
    await expect(agent.handle({ text: 'hi', channel: 'Not A Channel' })).rejects.toMatchObject({
      code: 'invalid-request',
    });
    await expect(agent.handle({ text: 'hi', conversationId: 'has space' })).rejects.toMatchObject({
      code: 'invalid-request',
    });
    expect((await store.interactions.list({ tenantId: 'acme', limit: 500 })).items.length).toBe(before);
  });

  it('records a failed run and rethrows its typed error with the interaction id', async () => {
    const agent = agentWith(async () => {
      throw new StewardError('runtime-timeout', 'the model took too long');
    });
    const failure = await agent.handle({ text: 'slow question' }).catch((error: unknown) => error);
    expect(StewardError.isInstance(failure)).toBe(true);
    const error = failure as StewardError;
    expect(error.code).toBe('runtime-timeout');
    const recorded = await store.interactions.get('acme', String(error.details.interactionId));
    expect(recorded).toMatchObject({
      outcome: 'error',
      errorCode: 'runtime-timeout',
      tier: 'none',
      costUsd: 0,
    });
  });

  it('answers with the fallback reply when the run ends with is_error (e.g. a budget stop)', async () => {
    const agent = agentWith(
      async () => ({ text: '', isError: true, stopReason: 'max-budget', errorMessage: 'budget' }),
      {
        fallbackReply: 'We are busy, try later.',
      },
    );
    const reply = await agent.handle({ text: 'expensive' });
    expect(reply).toMatchObject({
      outcome: 'error',
      errorCode: 'budget-exceeded',
      text: 'We are busy, try later.',
    });
  });

  it('marks an interaction with a denied tool call as denied', async () => {
    const agent = agentWith(async () => ({
      text: 'I could not write the file.',
      toolCalls: [
        { toolUseId: 't1', toolName: 'Write', input: {}, status: 'denied', message: 'needs trust 0.5' },
      ],
      permissionDenials: [{ toolName: 'Write', toolUseId: 't1' }],
    }));
    expect((await agent.handle({ text: 'write it' })).outcome).toBe('denied');
  });

  it('emits the pipeline events in order and acknowledges only after subscribers finish', async () => {
    const agent = agentWith(async () => 'ok');
    const seen: string[] = [];
    agent.events.onAny(async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(event.name);
    });
    await agent.handle({ text: 'hi' });
    expect(seen).toEqual(['message-received', 'tier-answered', 'interaction-completed', 'reply-sent']);
  });

  it('fails the interaction when a subscriber cannot make its events durable', async () => {
    const agent = agentWith(async () => 'ok');
    agent.events.on('interaction-completed', async () => {
      throw new Error('audit store down');
    });
    await expect(agent.handle({ text: 'hi' })).rejects.toThrow('audit store down');
  });

  it('resumes the conversation’s SDK session on the next turn when maintainContext is on', async () => {
    const resumed: Array<string | undefined> = [];
    const agent = agentWith(
      async (request) => {
        resumed.push(request.resumeSessionId);
        expect(request.sessions).toBeDefined();
        return { text: 'ok', sessionId: `session-${resumed.length}` };
      },
      { messageHandling: { maintainContext: true } },
    );
    await agent.handle({ text: 'first', conversationId: 'ctx-1' });
    await agent.handle({ text: 'second', conversationId: 'ctx-1' });
    await agent.handle({ text: 'other conversation', conversationId: 'ctx-2' });
    expect(resumed).toEqual([undefined, 'session-1', undefined]);
    const state = await store.conversations.get('acme', 'front-desk', 'ctx-1');
    expect(state).toMatchObject({ turns: 2, sdkSessionId: 'session-2' });
  });

  it('keeps tenants apart in one store', async () => {
    const acme = agentWith(async () => 'acme reply');
    const other = agentWith(async () => 'other reply', { tenantId: 'globex' });
    const reply = await acme.handle({ text: 'hi', conversationId: 'shared-id' });
    await other.handle({ text: 'hi', conversationId: 'shared-id' });
    expect(await store.interactions.get('globex', reply.interactionId)).toBeUndefined();
    const globexItems = (await store.interactions.list({ tenantId: 'globex' })).items;
    expect(globexItems.every((item) => item.tenantId === 'globex' && item.replyText === 'other reply')).toBe(
      true,
    );
  });

  it('refuses new messages once closing', async () => {
    const agent = agentWith(async () => 'ok');
    await agent.close();
    await expect(agent.handle({ text: 'late' })).rejects.toMatchObject({ code: 'shutting-down' });
  });
});

describe('ClaudeAgent.describe', () => {
  it('lists which stages run, which are off and which are configured but not built', async () => {
    const agent = agentWith(async () => 'ok', {
      trust: { initial: 0.3 },
      learning: { enabled: false },
      optimization: { fallback: ['cache', 'intelligent'] },
    });
    const description = await agent.describe();
    expect(description.chain).toEqual(['cache', 'intelligent']);
    const status = Object.fromEntries(description.stages.map((stage) => [stage.name, stage.status]));
    expect(status).toEqual({
      audit: 'off',
      cache: 'on',
      pattern: 'off',
      intelligent: 'on',
      trust: 'on',
      learn: 'off',
      channels: 'off',
    });
    expect(description.runtime).toEqual({ name: 'function', simulatedModel: true, isolation: null });
    expect(description.store.engine).toBe('sqlite');
  });
});

describe('ClaudeAgent construction', () => {
  it('throws invalid-config with the path for a bad config', () => {
    expect(() => new ClaudeAgent({ optimization: { budget: { daily: -1 } } })).toThrow(
      /optimization\.budget\.daily/,
    );
  });

  it('explains how to get a model when no runtime and no API key are given', async () => {
    const previous = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const agent = new ClaudeAgent({ store });
      await expect(agent.handle({ text: 'hi' })).rejects.toThrow(/ANTHROPIC_API_KEY/);
    } finally {
      if (previous !== undefined) process.env.ANTHROPIC_API_KEY = previous;
    }
  });
});

describe('ClaudeAgent with its own runtime', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('keeps the runs of the default runtime in a private folder beside its SQLite store', async () => {
    const model = await startSimulatedModel({ respond: replyWithText('Open at nine.') });
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-test');
    vi.stubEnv('ANTHROPIC_BASE_URL', model.url);
    const agent = new ClaudeAgent({ store: { path: join(dir, 'data', 'steward.db') } });
    try {
      expect((await agent.handle({ text: 'When do you open?' })).text).toBe('Open at nine.');
      expect(statSync(join(dir, 'data', 'runs')).mode & 0o777).toBe(0o700);
      expect(readdirSync(join(dir, 'data', 'runs'))).toEqual([]);
    } finally {
      await agent.close();
      await model.close();
    }
  });
});

describe('ClaudeAgent.close', () => {
  it('waits for in-flight messages before closing', async () => {
    let release: () => void = () => {};
    const agent = agentWith(() => new Promise((resolve) => (release = () => resolve('done'))));
    const pending = agent.handle({ text: 'slow' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    let closed = false;
    const closing = agent.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);
    release();
    expect((await pending).text).toBe('done');
    await closing;
    expect(closed).toBe(true);
  });

  it('stops waiting after the drain timeout', async () => {
    const agent = agentWith(() => new Promise(() => {}));
    void agent.handle({ text: 'never answered' }).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    await agent.close({ drainTimeoutMs: 30 });
  });
});

describe('conversation recovery', () => {
  it('starts a fresh session when the session to resume is gone', async () => {
    const calls: Array<string | undefined> = [];
    const agent = agentWith(
      async (request) => {
        calls.push(request.resumeSessionId);
        if (request.resumeSessionId === 'lost-session') {
          return {
            text: '',
            isError: true,
            stopReason: 'session-not-found',
            errorMessage: 'No conversation found',
          };
        }
        return { text: 'fresh start', sessionId: 'new-session' };
      },
      { messageHandling: { maintainContext: true } },
    );
    await store.conversations.recordTurn({
      tenantId: 'acme',
      agentId: 'front-desk',
      conversationId: 'purged',
      channel: 'web',
      sdkSessionId: 'lost-session',
      at: 1,
    });
    const reply = await agent.handle({ text: 'hello again', conversationId: 'purged' });
    expect(reply).toMatchObject({ text: 'fresh start', outcome: 'success' });
    expect(calls).toEqual(['lost-session', undefined]);
    expect((await store.conversations.get('acme', 'front-desk', 'purged'))?.sdkSessionId).toBe('new-session');
  });
});

describe('tool-call events', () => {
  it('reports each decision once, and a later deny of an allowed call', async () => {
    const agent = agentWith(async (request) => {
      const decide = (
        toolUseId: string,
        behavior: 'allow' | 'deny',
        source: 'can-use-tool' | 'pre-tool-use-hook',
      ) =>
        request.onEvent?.({
          type: 'tool-call-decided',
          toolUseId,
          toolName: 'Write',
          source,
          decision: behavior === 'allow' ? { behavior } : { behavior, message: 'no' },
        });
      decide('t1', 'allow', 'pre-tool-use-hook');
      decide('t1', 'allow', 'can-use-tool');
      decide('t2', 'allow', 'pre-tool-use-hook');
      decide('t2', 'deny', 'can-use-tool');
      decide('t3', 'deny', 'pre-tool-use-hook');
      decide('t3', 'deny', 'can-use-tool');
      return 'done';
    });
    const seen: string[] = [];
    agent.events.on('tool-call-allowed', (event) => {
      seen.push(`allowed ${event.toolUseId}`);
    });
    agent.events.on('tool-call-denied', (event) => {
      seen.push(`denied ${event.toolUseId}`);
    });
    await agent.handle({ text: 'write' });
    expect(seen).toEqual(['allowed t1', 'allowed t2', 'denied t2', 'denied t3']);
  });
});
