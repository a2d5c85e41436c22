/**
 * The handler sandbox: learned handlers run in QuickJS (WebAssembly) on a worker thread, never in the
 * host's V8, with memory, stack, time and output limits; no host object is reachable, and a handler
 * QuickJS fails to stop is stopped with its worker. A handler whose source is proven stateless
 * (stateless-source.ts) keeps one frozen runtime across calls (live-handlers.ts); any other runs each
 * call in a fresh QuickJS runtime.
 */
import { StewardError } from '../../errors/index.js';
import { HandlerCompileError } from './compile-error.js';
import { type Evaluation, type HandlerArguments, oversizedInput } from './evaluate.js';
import { resolveSandboxLimits } from './limits.js';
import { assertPlainData } from './plain-data.js';
import { statelessForm } from './stateless-source.js';
import type {
  CompiledHandler,
  HandlerContext,
  HandlerOutcome,
  HandlerRequest,
  HandlerSandbox,
  SandboxLimits,
} from './types.js';
import { SandboxWorkerHost, type SourceShape } from './worker-host.js';

/**
 * Makes a sandbox with its own worker thread and QuickJS WebAssembly instance. Calls are queued and
 * run one at a time; each holds the worker for at most `timeoutMs` (QuickJS's interrupt) or, when
 * QuickJS does not stop in time, `timeoutMs` plus a grace period (the worker is then replaced).
 *
 * @example
 * const sandbox = await createHandlerSandbox({ timeoutMs: 50 });
 * const handler = await sandbox.compile(`(request) => /order (\\d+)/.test(request.text) ? 'On its way' : null`);
 * await handler.run({ text: 'where is order 12?' }, { tenantId: 't', agentId: 'a', now: new Date().toISOString() });
 * // { kind: 'reply', text: 'On its way' }
 * sandbox.close();
 */
export async function createHandlerSandbox(limits?: Partial<SandboxLimits>): Promise<HandlerSandbox> {
  const resolved = resolveSandboxLimits(limits);
  const host = new SandboxWorkerHost(resolved);
  await host.start();
  let calls = 0;
  let reusedCalls = 0;
  let compiled = 0;

  const evaluate = async (
    source: string,
    input: HandlerArguments | undefined,
    shape?: SourceShape,
  ): Promise<Evaluation> => {
    const result = await host.evaluate(source, input, shape);
    if (result.reused) reusedCalls += 1;
    return result.evaluation;
  };

  return {
    limits: resolved,
    stats: () => ({
      calls,
      reusedCalls,
      instanceRestarts: host.instanceRestarts,
      workerRestarts: host.workerRestarts,
    }),
    close() {
      host.close();
    },
    async compile(code: string): Promise<CompiledHandler> {
      if (typeof code !== 'string')
        throw new HandlerCompileError(`the code is a ${typeof code}, not a string`);
      if (code.length > resolved.maxCodeChars) {
        throw new HandlerCompileError(
          `the code has ${code.length} characters; the limit (maxCodeChars) is ${resolved.maxCodeChars}`,
        );
      }
      const form = statelessForm(code);
      const checked = await evaluate(code, undefined, form ? { form } : undefined);
      if (checked.kind === 'error') throw new HandlerCompileError(checked.message);
      let source: string | undefined = code;
      const shape: SourceShape | undefined = form ? { form, key: `handler-${++compiled}` } : undefined;
      return {
        async run(request: HandlerRequest, context: HandlerContext): Promise<HandlerOutcome> {
          if (source === undefined) {
            throw new StewardError('conflict', 'This compiled handler was disposed; compile it again');
          }
          const input = checkedArguments(request, context);
          calls += 1;
          const tooLarge = oversizedInput(input, resolved);
          if (tooLarge) return tooLarge;
          const outcome = await evaluate(source, input, shape);
          // Only the compile check answers `function`, and it passes no arguments.
          if (outcome.kind === 'function') throw new StewardError('internal', 'The handler was not called');
          return outcome;
        },
        dispose() {
          source = undefined;
          if (shape?.key) host.drop(shape.key);
        },
      };
    },
  };
}

function checkedArguments(request: HandlerRequest, context: HandlerContext): HandlerArguments {
  if (typeof request !== 'object' || request === null || typeof request.text !== 'string') {
    throw new StewardError('invalid-request', 'A handler request needs `text`, a string');
  }
  if (request.channel !== undefined && typeof request.channel !== 'string') {
    throw new StewardError('invalid-request', "A handler request's `channel` must be a string when given");
  }
  for (const field of ['tenantId', 'agentId', 'now'] as const) {
    if (typeof context?.[field] !== 'string') {
      throw new StewardError('invalid-request', `The handler context needs \`${field}\`, a string`);
    }
  }
  assertPlainData(request, 'request');
  assertPlainData(context, 'context');
  return { request, context };
}
