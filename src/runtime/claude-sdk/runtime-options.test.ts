import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidConfigError } from '../../errors/index.js';
import { ConcurrencyLimiter } from '../concurrency-limiter.js';
import { ClaudeAgentSdkRuntime } from './claude-sdk-runtime.js';
import { childEnvironment, resolveRuntimeOptions } from './runtime-options.js';

function configError(build: () => unknown): InvalidConfigError {
  try {
    build();
  } catch (error) {
    if (InvalidConfigError.isInstance(error)) return error as InvalidConfigError;
    throw error;
  }
  throw new Error('expected an InvalidConfigError');
}

describe('ClaudeAgentSdkRuntime options', () => {
  it('asks for an API key, naming every way to supply one, when not running against the simulator', () => {
    const error = configError(() => resolveRuntimeOptions({ simulatedModel: false }, {}));
    expect(error.code).toBe('invalid-config');
    expect(error.message).toContain(
      'apiKey: expected an Anthropic API key: pass apiKey, or set ANTHROPIC_API_KEY',
    );
    expect(error.message).toContain('simulatedModel: true');
  });

  it('falls back to ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL from the environment', () => {
    const resolved = resolveRuntimeOptions(
      { simulatedModel: false },
      { ANTHROPIC_API_KEY: 'sk-env', ANTHROPIC_BASE_URL: 'https://gateway.example/' },
    );
    expect(resolved).toMatchObject({
      apiKey: 'sk-env',
      baseUrl: 'https://gateway.example',
      defaultTimeoutMs: 120_000,
    });
    expect(resolved.limiter.limit).toBe(4);
  });

  it('needs the simulator URL when simulatedModel is true, and reports every problem at once', () => {
    const error = configError(() =>
      resolveRuntimeOptions({ simulatedModel: true, concurrency: 0, defaultTimeoutMs: -5 }, {}),
    );
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'baseUrl',
      'concurrency',
      'defaultTimeoutMs',
    ]);
  });

  it('rejects a shared limiter combined with concurrency, bad URLs and malformed tools', () => {
    const error = configError(
      () =>
        new ClaudeAgentSdkRuntime({
          simulatedModel: true,
          baseUrl: 'ftp://nope',
          limiter: new ConcurrencyLimiter({ limit: 2 }),
          concurrency: 3,
          mcpTools: [
            {
              server: 'bad server',
              name: 'x',
              description: 'd',
              inputSchema: { a: z.string() },
              handler: async () => 'ok',
            },
          ],
        }),
    );
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'baseUrl',
      'limiter',
      'mcpTools.0.server',
    ]);
  });

  it('turns warm sessions on with defaults for what is left out, and off by default or with false', () => {
    const base = { simulatedModel: true, baseUrl: 'http://127.0.0.1:9' };
    expect(resolveRuntimeOptions(base, {}).warmSessions).toBeUndefined();
    expect(resolveRuntimeOptions({ ...base, warmSessions: false }, {}).warmSessions).toBeUndefined();
    expect(resolveRuntimeOptions({ ...base, warmSessions: { max: 2 } }, {}).warmSessions).toEqual({
      max: 2,
      idleMs: 300_000,
      memoryBudgetMb: 2048,
    });
    const error = configError(() =>
      resolveRuntimeOptions({ ...base, warmSessions: { max: 0, idleMs: -1, memoryBudgetMb: 0 } }, {}),
    );
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'warmSessions.idleMs',
      'warmSessions.max',
      'warmSessions.memoryBudgetMb',
    ]);
  });

  it('rejects two tools with the same model-facing name', () => {
    const tool = {
      server: 'shop',
      name: 'lookup',
      description: 'd',
      inputSchema: {},
      handler: async () => 'ok',
    };
    const error = configError(() =>
      resolveRuntimeOptions(
        { simulatedModel: true, baseUrl: 'http://127.0.0.1:1', mcpTools: [tool, tool] },
        {},
      ),
    );
    expect(error.message).toContain('mcp__shop__lookup is taken');
  });

  it('gives the CLI child only what it needs, with extraEnv last', () => {
    const resolved = resolveRuntimeOptions(
      { simulatedModel: true, baseUrl: 'http://127.0.0.1:9', extraEnv: { CLAUDE_CODE_MAX_RETRIES: '0' } },
      {},
    );
    const environment = childEnvironment(resolved, {
      home: '/runs/r/home',
      configDir: '/runs/r/home/.claude',
      tmp: '/runs/r/tmp',
      systemTmp: '/tmp/run-r',
    });
    expect(environment).toEqual({
      PATH: process.env.PATH,
      HOME: '/runs/r/home',
      CLAUDE_CONFIG_DIR: '/runs/r/home/.claude',
      CLAUDE_CODE_TMPDIR: '/runs/r/tmp',
      TMPDIR: '/tmp/run-r',
      ANTHROPIC_API_KEY: 'sk-simulated-model',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_AGENT_SDK_CLIENT_APP: 'claude-steward',
      CLAUDE_CODE_MAX_RETRIES: '0',
    });
  });

  it('keeps runs in ./.steward/runs unless told otherwise, as an absolute path', () => {
    const base = { simulatedModel: true, baseUrl: 'http://127.0.0.1:9' };
    expect(resolveRuntimeOptions(base, {}).runsDirectory).toBe(join(process.cwd(), '.steward', 'runs'));
    expect(resolveRuntimeOptions({ ...base, runsDirectory: 'data/runs' }, {}).runsDirectory).toBe(
      join(process.cwd(), 'data', 'runs'),
    );
  });

  it('does not change the caller’s options', () => {
    const options = Object.freeze({
      simulatedModel: true,
      baseUrl: 'http://127.0.0.1:9/',
      extraEnv: Object.freeze({}),
    });
    expect(() => resolveRuntimeOptions(options, {})).not.toThrow();
  });
});

describe('ClaudeAgentSdkRuntime requests', () => {
  const runsDirectory = mkdtempSync(join(tmpdir(), 'steward-runs-'));
  afterAll(() => rmSync(runsDirectory, { recursive: true, force: true }));

  it('rejects a resume without a transcript store, before starting anything', async () => {
    const runtime = new ClaudeAgentSdkRuntime({
      simulatedModel: true,
      baseUrl: 'http://127.0.0.1:9',
      runsDirectory,
    });
    const error = await runtime
      .run({ tenantId: 'acme', agentId: 'support', interactionId: 'i', prompt: 'hi', resumeSessionId: 'abc' })
      .catch((caught: unknown) => caught);
    expect((error as InvalidConfigError).code).toBe('invalid-request');
    expect((error as Error).message).toContain('resumeSessionId needs `sessions`');
    expect(runtime.stats()).toEqual({ running: 0, queued: 0, limit: 4 });
  });

  it('refuses new runs once closing', async () => {
    const runtime = new ClaudeAgentSdkRuntime({
      simulatedModel: true,
      baseUrl: 'http://127.0.0.1:9',
      runsDirectory,
    });
    await runtime.close();
    const error = await runtime
      .run({ tenantId: 'acme', agentId: 'support', interactionId: 'i', prompt: 'hi' })
      .catch((caught: unknown) => caught);
    expect((error as InvalidConfigError).code).toBe('shutting-down');
  });
});
