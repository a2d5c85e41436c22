/**
 * The host side of the sandbox's worker: one evaluation in flight at a time, a watchdog that stops
 * the worker when a call outlives its time limit by more than a grace period (QuickJS polls its
 * interrupt handler only every ~10,000 operations, and a few slow operations can take seconds), and a
 * new worker after every stop or crash.
 */
import type { Worker } from 'node:worker_threads';
import { StewardError } from '../../errors/index.js';
import { startModuleWorker } from '../../threads/index.js';
import { type EvaluationResult, evaluationTimeoutMs, type HandlerArguments } from './evaluate.js';
import type { WorkerDrop, WorkerMessage, WorkerRequest } from './sandbox-worker.js';
import { wallClockFactor } from './time-limit.js';
import type { SandboxLimits, StatelessForm } from './types.js';

/**
 * How long past its wall-clock backstop (`wallClockFactor` × its limit: the limit itself is CPU time) a call
 * may hold the worker before it is stopped: room for making and freeing the QuickJS runtime (freeing a full
 * 8 MB heap took ~130 ms) when the interrupt did fire.
 */
export const WATCHDOG_GRACE_MS = 200;
/** A worker that fails to start this many times in a row fails the calls waiting for it. */
const MAX_FAILED_STARTS = 2;

interface PendingEvaluation {
  source: string;
  input: HandlerArguments | undefined;
  shape: SourceShape | undefined;
  resolve(result: EvaluationResult): void;
  reject(error: unknown): void;
}

/** A proven-stateless source (stateless-source.ts); with `key`, its calls may reuse the runtime kept under it. */
export interface SourceShape {
  form: StatelessForm;
  key?: string;
}

interface RunningWorker {
  worker: Worker;
  ready: Promise<void>;
  /** Keys whose source this worker already holds: their calls post the key alone. */
  sources: Set<string>;
}

export class SandboxWorkerHost {
  private readonly queue: PendingEvaluation[] = [];
  private current: RunningWorker | undefined;
  private inFlight:
    | { id: number; pending: PendingEvaluation; posted: boolean; watchdog?: NodeJS.Timeout }
    | undefined;
  private nextId = 1;
  private failedStarts = 0;
  private closed = false;
  /** Workers stopped by the watchdog or lost to a crash, each replaced. */
  workerRestarts = 0;
  /** WebAssembly instances a call broke, each replaced inside its worker. */
  instanceRestarts = 0;

  constructor(private readonly limits: Readonly<Required<SandboxLimits>>) {}

  /** Starts the worker and waits until its QuickJS instance is ready (fails if it cannot start). */
  async start(): Promise<void> {
    await this.running().ready;
  }

  evaluate(
    source: string,
    input: HandlerArguments | undefined,
    shape?: SourceShape,
  ): Promise<EvaluationResult> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      this.queue.push({ source, input, shape, resolve, reject });
      this.pump();
    });
  }

  /** Frees the runtime the worker keeps for `key` (a new worker keeps none). */
  drop(key: string): void {
    if (this.closed || !this.current) return;
    this.current.sources.delete(key);
    this.current.worker.postMessage({ drop: key } satisfies WorkerDrop);
  }

  close(): void {
    this.closed = true;
    const running = this.current;
    this.current = undefined;
    if (this.inFlight) {
      clearTimeout(this.inFlight.watchdog);
      this.inFlight.pending.reject(closedError());
      this.inFlight = undefined;
    }
    for (const pending of this.queue.splice(0)) pending.reject(closedError());
    void running?.worker.terminate();
  }

  private running(): RunningWorker {
    if (this.current) return this.current;
    const worker = startModuleWorker('./sandbox-worker', import.meta.url, {
      workerData: { limits: { ...this.limits } },
    });
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'failed') reject(new StewardError('internal', message.message));
        else this.finish(worker, message);
      };
      worker.on('message', onMessage);
      worker.on('error', (error) => {
        reject(error);
        this.lose(worker, `the sandbox worker failed (${error.message})`);
      });
      worker.on('exit', (exitCode) => {
        reject(
          new StewardError('internal', `The sandbox worker exited (code ${exitCode}) before it was ready`),
        );
        this.lose(worker, `the sandbox worker exited (code ${exitCode})`);
      });
    });
    // A rejection is handled where it is awaited; this keeps an unawaited one from being reported.
    ready.catch(() => {});
    this.current = { worker, ready, sources: new Set() };
    return this.current;
  }

  private pump(): void {
    if (this.closed || this.inFlight || this.queue.length === 0) return;
    const running = this.running();
    const pending = this.queue.shift()!;
    const id = this.nextId++;
    this.inFlight = { id, pending, posted: false };
    running.worker.ref();
    running.ready.then(
      () => {
        if (this.inFlight?.id !== id || this.current !== running) return;
        // Armed once the worker is ready: its start-up is not counted against the call.
        this.inFlight.watchdog = setTimeout(
          () => this.stopRunaway(running, id),
          evaluationTimeoutMs(this.limits, pending.input === undefined) * wallClockFactor + WATCHDOG_GRACE_MS,
        );
        this.inFlight.posted = true;
        // A kept handler's source crosses to its worker once (a 187 KB source copied on every call cost
        // about as much as the call itself); the worker keeps it under the key until it is dropped.
        const key = pending.input === undefined ? undefined : pending.shape?.key;
        const sourceHeld = key !== undefined && running.sources.has(key);
        if (key !== undefined) running.sources.add(key);
        running.worker.postMessage({
          id,
          ...(sourceHeld ? {} : { source: pending.source }),
          input: pending.input,
          ...(pending.shape ? { form: pending.shape.form } : {}),
          ...(pending.shape?.key === undefined ? {} : { key: pending.shape.key }),
        } satisfies WorkerRequest);
        this.failedStarts = 0;
      },
      (error: unknown) => {
        if (this.inFlight?.id !== id) return;
        this.failedStarts += 1;
        this.inFlight = undefined;
        if (this.current === running) this.current = undefined;
        if (this.failedStarts >= MAX_FAILED_STARTS) {
          pending.reject(error);
          for (const waiting of this.queue.splice(0)) waiting.reject(error);
          return;
        }
        this.queue.unshift(pending);
        this.pump();
      },
    );
  }

  private finish(worker: Worker, message: Extract<WorkerMessage, { type: 'result' }>): void {
    if (this.inFlight?.id !== message.id || this.current?.worker !== worker) return;
    const { pending, watchdog } = this.inFlight;
    clearTimeout(watchdog);
    this.inFlight = undefined;
    worker.unref();
    if (message.instanceBroken) this.instanceRestarts += 1;
    pending.resolve({
      evaluation: message.evaluation,
      instanceBroken: message.instanceBroken,
      reused: message.reused === true,
    });
    this.pump();
  }

  private stopRunaway(running: RunningWorker, id: number): void {
    if (this.inFlight?.id !== id) return;
    const { pending } = this.inFlight;
    this.replace(running);
    const compiling = pending.input === undefined;
    const limitMs = evaluationTimeoutMs(this.limits, compiling);
    const heldMs = limitMs * wallClockFactor + WATCHDOG_GRACE_MS;
    pending.resolve({
      evaluation: {
        kind: 'error',
        code: compiling ? 'compile' : 'timeout',
        message: `ran past its ${limitMs} ms time limit and held the sandbox's worker for ${heldMs} ms; the worker was stopped and replaced`,
      },
      instanceBroken: true,
    });
    this.pump();
  }

  /** The worker crashed or exited while it was the current one: fail its call, start another. */
  private lose(worker: Worker, message: string): void {
    if (this.current?.worker !== worker) return;
    const inFlight = this.inFlight;
    if (inFlight && !inFlight.posted) {
      // It failed to start: the call waiting for it is retried (or failed) where `ready` is awaited.
      this.current = undefined;
      void worker.terminate();
      return;
    }
    this.replace(this.current);
    if (inFlight) {
      inFlight.pending.resolve({
        evaluation: {
          kind: 'error',
          code: inFlight.pending.input === undefined ? 'compile' : 'exception',
          message: `${message}; it was replaced`,
        },
        instanceBroken: true,
      });
    }
    this.pump();
  }

  private replace(running: RunningWorker): void {
    if (this.inFlight) clearTimeout(this.inFlight.watchdog);
    this.inFlight = undefined;
    if (this.current === running) this.current = undefined;
    this.workerRestarts += 1;
    void running.worker.terminate();
    // Start the next one now: a worker takes ~0.05 s to start built, ~0.3 s from source.
    if (!this.closed) this.running();
  }
}

function closedError(): StewardError {
  return new StewardError(
    'conflict',
    'The handler sandbox is closed; create a new one with createHandlerSandbox',
  );
}
