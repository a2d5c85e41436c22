/**
 * Helpers for tests that drive the real Claude Agent SDK and CLI against the simulated Messages API:
 * start both, collect a run's events, and close everything after each test, checking that no run
 * left its folder behind.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect } from 'vitest';
import type {
  ClaudeAgentSdkRuntimeOptions,
  PermissionSource,
  RuntimeEvent,
  RuntimeRequest,
  ToolPermissionGuard,
} from '../../src/runtime/index.js';
import { ClaudeAgentSdkRuntime } from '../../src/runtime/index.js';
import type { ReceivedToolResult, SimulatedResponder } from '../../src/simulator/index.js';
import { type SimulatedModel, startSimulatedModel } from '../../src/simulator/index.js';

const cleanups: Array<() => Promise<void>> = [];
let runsDirectory: string | undefined;
let workspacesDirectory: string | undefined;

/** The runs folder of this test file's runtimes, made on first use. */
export function testRunsDirectory(): string {
  runsDirectory ??= mkdtempSync(join(tmpdir(), 'steward-runs-'));
  return runsDirectory;
}

/** The workspaces folder of this test file's runtimes, made on first use. */
export function testWorkspacesDirectory(): string {
  workspacesDirectory ??= mkdtempSync(join(tmpdir(), 'steward-workspaces-'));
  return workspacesDirectory;
}

/**
 * Registers the after-each cleanup; call once at the top of a test file. Once a test's runtimes are
 * closed, every run's folder must be gone, however the run ended.
 */
export function closeAfterEach(): void {
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    if (runsDirectory) expect(readdirSync(runsDirectory), 'run folders left behind').toEqual([]);
  });
  afterAll(() => {
    for (const directory of [runsDirectory, workspacesDirectory]) {
      if (directory) rmSync(directory, { recursive: true, force: true });
    }
    runsDirectory = undefined;
    workspacesDirectory = undefined;
  });
}

/** A runtime (closed after the test) for an existing simulated model. */
export function runtimeFor(
  model: SimulatedModel,
  options: Partial<ClaudeAgentSdkRuntimeOptions> = {},
): ClaudeAgentSdkRuntime {
  const runtime = new ClaudeAgentSdkRuntime({
    baseUrl: model.url,
    simulatedModel: true,
    runsDirectory: testRunsDirectory(),
    workspacesDirectory: testWorkspacesDirectory(),
    ...options,
  });
  cleanups.push(() => runtime.close());
  return runtime;
}

/** A simulated model scripted by `respond` and a runtime pointed at it, both closed after the test. */
export async function startSimulatedRuntime(
  respond: SimulatedResponder,
  options: Partial<ClaudeAgentSdkRuntimeOptions> = {},
): Promise<{ model: SimulatedModel; runtime: ClaudeAgentSdkRuntime }> {
  const model = await startSimulatedModel({ respond });
  cleanups.push(() => model.close());
  return { model, runtime: runtimeFor(model, options) };
}

/** A run request whose events are collected in `events`. */
export function runRequest(
  overrides: Partial<RuntimeRequest> = {},
): RuntimeRequest & { events: RuntimeEvent[] } {
  const events: RuntimeEvent[] = [];
  return {
    tenantId: 'acme',
    agentId: 'support',
    interactionId: 'interaction-1',
    prompt: 'Please help me',
    onEvent: (event) => events.push(event),
    events,
    ...overrides,
  };
}

/** A guard that records where it was asked, and answers with `answer`. */
export function recordingGuard(answer: ToolPermissionGuard['decide']): ToolPermissionGuard & {
  asked: Array<{ toolName: string; source: PermissionSource }>;
} {
  const asked: Array<{ toolName: string; source: PermissionSource }> = [];
  return {
    asked,
    decide: (toolName, input, context) => {
      asked.push({ toolName, source: context.source });
      return answer(toolName, input, context);
    },
  };
}

/** The simulated model's final answer after a tool call: what the tool result said. */
export const quoteResult = (result: ReceivedToolResult): string =>
  `${result.isError ? 'Tool refused' : 'Tool said'}: ${result.content}`;

export const writeNotes = { name: 'Write', input: { file_path: 'notes.txt', content: 'remember the milk' } };
