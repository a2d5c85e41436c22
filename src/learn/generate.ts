/**
 * Generate: asks the model, through the agent's own runtime (no tools, one turn), to write a handler for
 * one cluster from its recorded examples (masked) and from near-miss requests it must refuse. The prompt
 * carries the examples as JSON between `<steward-learn-examples>` tags, which is also what the local
 * simulated model reads to write its stand-in handler offline (src/simulator/handler-writer.ts).
 */
import { StewardError } from '../errors/index.js';
import type { ModelRun } from '../pipeline/index.js';
import type { AgentRuntime } from '../runtime/index.js';
import type { ClusterSummary } from './capability-store.js';

export const generationSystemPrompt =
  'You write small, pure JavaScript handlers for a customer-service agent. A handler answers one kind of ' +
  'request that the agent keeps receiving, exactly as the recorded answers did, and returns null for ' +
  'anything else. It has no I/O: no require, import, fetch, timers or globals beyond plain JavaScript.';

/** The prompt for one cluster (what is recorded on the capability). */
export function buildGenerationPrompt(cluster: ClusterSummary): string {
  const counterExamples = cluster.counterExamples ?? [];
  const data = {
    examples: cluster.training,
    nearMisses: cluster.nearMisses,
    ...(cluster.nearMissGroups && cluster.nearMissGroups.length > 0
      ? { nearMissGroups: cluster.nearMissGroups, background: cluster.background ?? [] }
      : {}),
    ...(counterExamples.length > 0 ? { counterExamples } : {}),
  };
  return [
    'Write `function handler(request, context)` for the requests below.',
    '- `request` is `{ text, channel }`; `context` is `{ tenantId, agentId, now }` (now: ISO time).',
    '- Return the reply (a string) when the request asks what these examples ask; you may fill the reply',
    '  from the request (an order number, a date) when the recorded replies do.',
    '- Return null for anything else, including every near-miss request: a wrong answer is far worse than',
    '  handing the request back to the model.',
    ...(cluster.nearMissGroups && cluster.nearMissGroups.length > 0
      ? [
          '- `nearMissGroups` lists requests of the neighbouring kinds of request, one list per kind, the',
          '  hardest to tell apart first; `background` lists requests of other kinds. The handler must return',
          '  null on them and on requests like them. Data may live in top-level `var`s (plain literals).',
        ]
      : []),
    '- Pure function: no I/O, no global state, deterministic, fast (under a millisecond).',
    ...(counterExamples.length > 0
      ? [
          '- A handler written earlier for these requests was rolled back: it failed on the `counterExamples`',
          '  (it threw, timed out, or its reply was rated wrong). Never throw; return null for any of them',
          '  unless the reply is certainly the recorded one.',
        ]
      : []),
    'Answer with the function only, in one ```javascript block.',
    '<steward-learn-examples>',
    JSON.stringify(data),
    '</steward-learn-examples>',
  ].join('\n');
}

/** The function in the model's reply: the first fenced block, or the whole text when it has none. */
export function extractHandlerCode(reply: string): string {
  const fenced = /```(?:javascript|js)?\s*\n([\s\S]*?)```/.exec(reply);
  return (fenced?.[1] ?? reply).trim();
}

export interface GeneratedHandler {
  code: string;
  prompt: string;
  costUsd: number;
  simulatedModel: boolean;
}

/** A model run straight on the runtime (no budget): for a service used outside an agent. */
export function runtimeModelRun(runtime: AgentRuntime): ModelRun {
  return async (request) => {
    const result = await runtime.run(request);
    return {
      text: result.text,
      costUsd: result.costUsd,
      usage: result.usage,
      toolCalls: result.toolCalls,
      outcome: result.isError ? 'error' : 'success',
      ...(result.isError
        ? { errorMessage: result.errorMessage ?? `the run stopped: ${result.stopReason}` }
        : {}),
      queueWaitMs: result.queueWaitMs,
      simulatedModel: result.simulatedModel,
    };
  };
}

/**
 * Asks the model through `run`: in an agent, its model run wrapped by every primitive (the daily budget
 * reserves and settles it like a turn's, and refuses it with `budget-exceeded` when it does not fit).
 *
 * @example
 * const generated = await generateHandler(context.runModel, { tenantId: 'acme', agentId: 'desk', runId }, cluster);
 */
export async function generateHandler(
  run: ModelRun,
  scope: { tenantId: string; agentId: string; runId: string; model?: string | undefined },
  cluster: ClusterSummary,
): Promise<GeneratedHandler> {
  const prompt = buildGenerationPrompt(cluster);
  const result = await run({
    tenantId: scope.tenantId,
    agentId: scope.agentId,
    interactionId: scope.runId,
    prompt,
    systemPrompt: generationSystemPrompt,
    ...(scope.model ? { model: scope.model } : {}),
    tools: [],
    maxTurns: 1,
  });
  if (result.outcome === 'error') {
    throw new StewardError(
      result.errorCode === 'budget-exceeded' ? 'budget-exceeded' : 'runtime-failed',
      `the model could not write a handler: ${result.errorMessage ?? 'the run failed'}`,
    );
  }
  return {
    code: extractHandlerCode(result.text),
    prompt,
    costUsd: result.costUsd,
    simulatedModel: result.simulatedModel,
  };
}
