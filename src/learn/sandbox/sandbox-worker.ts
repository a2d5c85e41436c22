/**
 * The sandbox's worker thread: owns a QuickJS WebAssembly instance and evaluates one handler call
 * per message, so a handler QuickJS does not stop in time holds this thread, never the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { newQuickJSWASMModule, type QuickJSWASMModule } from 'quickjs-emscripten';
import { evaluateHandler, type HandlerArguments } from './evaluate.js';
import type { SandboxLimits } from './types.js';

/** What the host posts: one evaluation (`input` absent: the compile check). */
export interface WorkerRequest {
  id: number;
  source: string;
  input?: HandlerArguments;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | ({ type: 'result'; id: number } & ReturnType<typeof evaluateHandler>);

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

// The host sends the next request only after this one's result: evaluations never overlap.
port.on('message', async (request: WorkerRequest) => {
  const module = await instance;
  const result = evaluateHandler(module, limits, request.source, request.input);
  if (result.instanceBroken) instance = warmInstance();
  port.postMessage({ type: 'result', id: request.id, ...result } satisfies WorkerMessage);
});
