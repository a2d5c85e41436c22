/**
 * The handler sandbox: learned handlers run in QuickJS (WebAssembly), never in the host's V8, each
 * call in a fresh runtime with memory, stack, time and output limits; no host object is reachable.
 */
import { newQuickJSWASMModule, type QuickJSWASMModule } from 'quickjs-emscripten';
import { StewardError } from '../../errors/index.js';
import { HandlerCompileError } from './compile-error.js';
import { type Evaluation, evaluateHandler, type HandlerArguments } from './evaluate.js';
import { resolveSandboxLimits } from './limits.js';
import { assertPlainData } from './plain-data.js';
import type {
  CompiledHandler,
  HandlerContext,
  HandlerOutcome,
  HandlerRequest,
  HandlerSandbox,
  SandboxLimits,
} from './types.js';

/** A call waits for at most this many replacement instances before giving up. */
const MAX_INSTANCE_WAITS = 3;

/**
 * Makes a sandbox with its own QuickJS WebAssembly instance (its memory is not shared with other
 * sandboxes). Calls run one at a time: each is synchronous inside QuickJS and bounded by `timeoutMs`,
 * so a runaway handler holds the event loop for at most about that long.
 *
 * @example
 * const sandbox = await createHandlerSandbox({ timeoutMs: 50 });
 * const handler = await sandbox.compile(`(request) => /order (\\d+)/.test(request.text) ? 'On its way' : null`);
 * await handler.run({ text: 'where is order 12?' }, { tenantId: 't', agentId: 'a', now: new Date().toISOString() });
 * // { kind: 'reply', text: 'On its way' }
 */
export async function createHandlerSandbox(limits?: Partial<SandboxLimits>): Promise<HandlerSandbox> {
  const resolved = resolveSandboxLimits(limits);
  let instance: Promise<QuickJSWASMModule> | undefined = newQuickJSWASMModule();
  await instance;
  let calls = 0;
  let instanceRestarts = 0;

  const currentInstance = async (): Promise<QuickJSWASMModule> => {
    for (let wait = 0; wait < MAX_INSTANCE_WAITS; wait += 1) {
      const pending = instance;
      if (pending === undefined) throw closedError();
      const module = await pending;
      // Another call may have broken and replaced it while this one waited.
      if (pending === instance) return module;
    }
    throw new StewardError('internal', 'The handler sandbox kept replacing its QuickJS instance; try again');
  };

  const evaluate = async (source: string, input: HandlerArguments | undefined): Promise<Evaluation> => {
    const module = await currentInstance();
    const result = evaluateHandler(module, resolved, source, input);
    if (result.instanceBroken && instance !== undefined) {
      instance = newQuickJSWASMModule();
      instanceRestarts += 1;
    }
    return result.evaluation;
  };

  return {
    limits: resolved,
    stats: () => ({ calls, instanceRestarts }),
    close() {
      instance = undefined;
    },
    async compile(code: string): Promise<CompiledHandler> {
      if (typeof code !== 'string')
        throw new HandlerCompileError(`the code is a ${typeof code}, not a string`);
      if (code.length > resolved.maxCodeChars) {
        throw new HandlerCompileError(
          `the code has ${code.length} characters; the limit (maxCodeChars) is ${resolved.maxCodeChars}`,
        );
      }
      const checked = await evaluate(code, undefined);
      if (checked.kind === 'error') throw new HandlerCompileError(checked.message);
      let source: string | undefined = code;
      return {
        async run(request: HandlerRequest, context: HandlerContext): Promise<HandlerOutcome> {
          if (source === undefined) {
            throw new StewardError('conflict', 'This compiled handler was disposed; compile it again');
          }
          const input = checkedArguments(request, context);
          calls += 1;
          const outcome = await evaluate(source, input);
          // Only `compile` answers `function`, and it passes no arguments.
          if (outcome.kind === 'function') throw new StewardError('internal', 'The handler was not called');
          return outcome;
        },
        dispose() {
          source = undefined;
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

function closedError(): StewardError {
  return new StewardError(
    'conflict',
    'The handler sandbox is closed; create a new one with createHandlerSandbox',
  );
}
