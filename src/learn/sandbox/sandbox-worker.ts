/**
 * The sandbox's worker thread: owns a QuickJS WebAssembly instance and evaluates one handler call
 * per message, so a handler QuickJS does not stop in time holds this thread, never the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { newQuickJSWASMModule, type QuickJSWASMModule } from 'quickjs-emscripten';
import { evaluateHandler, type HandlerArguments } from './evaluate.js';
import { defaultLiveCapacity, LiveHandlers } from './live-handlers.js';
import { threadCpuClock } from './time-limit.js';
import type { SandboxLimits, StatelessForm } from './types.js';

/** What the host posts: one evaluation (`input` absent: the compile check), or a kept runtime to free. */
export interface WorkerRequest {
  id: number;
  /** Absent when the worker already holds the source of `key` (sent with an earlier call). */
  source?: string;
  input?: HandlerArguments;
  /** The source's shape when proven stateless (stateless-source.ts). */
  form?: StatelessForm;
  /** With `form` and `input`: the compiled handler's key, under which its runtime is kept across calls. */
  key?: string;
}

/** Posted without waiting for an answer: the compiled handler `drop` was disposed. */
export interface WorkerDrop {
  drop: string;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | ({ type: 'result'; id: number; reused?: boolean } & ReturnType<typeof evaluateHandler>);

const port = parentPort!;
const { limits } = workerData as { limits: Required<SandboxLimits> };
/** Evaluated before a new instance serves: V8 compiles QuickJS's WebAssembly lazily, and a cold instance's first call took ~250 ms. */
const WARM_UP_SOURCE = '(request) => /(\\d+)/.test(request.text) ? "ok " + JSON.stringify(request) : null';

async function warmInstance(): Promise<QuickJSWASMModule> {
  const module = await newQuickJSWASMModule();
  for (let round = 0; round < 3; round += 1) {
    evaluateHandler(module, limits, WARM_UP_SOURCE, { request: { text: 'order 12' }, context: {} });
  }
  return module;
}

let instance = warmInstance();
instance.then(
  () => port.postMessage({ type: 'ready' } satisfies WorkerMessage),
  (error: unknown) => port.postMessage({ type: 'failed', message: String(error) } satisfies WorkerMessage),
);

const cpuClock = threadCpuClock() ?? null;
const live = new LiveHandlers(limits, defaultLiveCapacity, () => performance.now(), cpuClock);
/** Sources of kept handlers by key, as the host sent them with their first call. */
const sources = new Map<string, string>();

// The host may post requests ahead (worker-host.ts, MAX_POSTED); they never overlap: each runs to its
// result synchronously once the instance is ready, and awaiting the instance resumes them in arrival order.
port.on('message', async (message: WorkerRequest | WorkerDrop) => {
  if ('drop' in message) {
    live.drop(message.drop);
    sources.delete(message.drop);
    return;
  }
  const request = message;
  if (request.key !== undefined && request.source !== undefined) sources.set(request.key, request.source);
  const source = request.source ?? (request.key === undefined ? undefined : sources.get(request.key));
  if (source === undefined) {
    const evaluation = {
      kind: 'error' as const,
      code: 'exception' as const,
      message: 'the sandbox worker does not hold this handler’s source (an internal error; compile it again)',
    };
    port.postMessage({
      type: 'result',
      id: request.id,
      evaluation,
      instanceBroken: false,
    } satisfies WorkerMessage);
    return;
  }
  const module = await instance;
  const kept =
    request.key !== undefined && request.form !== undefined && request.input !== undefined
      ? live.call(module, request.key, source, request.form, request.input)
      : undefined;
  const result =
    kept ?? evaluateHandler(module, limits, source, request.input, undefined, undefined, request.form);
  if (result.instanceBroken) {
    live.forget();
    instance = warmInstance();
  }
  port.postMessage({ type: 'result', id: request.id, ...result } satisfies WorkerMessage);
});
