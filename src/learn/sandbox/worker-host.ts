/**
 * The host side of the sandbox's worker: up to MAX_POSTED calls posted ahead, run one at a time, a watchdog that stops
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
  /** Set once `ready` resolved: calls are posted only to a ready worker. */
  isReady: boolean;
  /** Keys whose source this worker already holds: their calls post the key alone. */
  sources: Set<string>;
}

/** A call posted to the worker; the worker runs them one after another, in the order posted. */
interface Posted {
  id: number;
  pending: PendingEvaluation;
  watchdog?: NodeJS.Timeout;
}

/**
 * Calls posted to the worker ahead of their turn: the worker goes from one to the next without waiting
 * for the host to read a result and post again (a learn tier asking 70 handlers about one request spent
 * about half its time on those round trips). Only the oldest is running; the watchdog times it alone.
 */
export const MAX_POSTED = 16;

export class SandboxWorkerHost {
  private readonly queue: PendingEvaluation[] = [];
  private current: RunningWorker | undefined;
  /** Posted to the current worker, oldest (the one running) first. */
  private posted: Posted[] = [];
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
    for (const posted of this.posted.splice(0)) {
      clearTimeout(posted.watchdog);
      posted.pending.reject(closedError());
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
    const running: RunningWorker = { worker, ready, isReady: false, sources: new Set() };
    this.current = running;
    ready.then(
      () => {
        running.isReady = true;
        this.failedStarts = 0;
        if (this.current === running) this.pump();
      },
      (error: unknown) => this.failedStart(running, error),
    );
    return running;
  }

  /** A worker that never became ready: start another, or after MAX_FAILED_STARTS fail every waiting call. */
  private failedStart(running: RunningWorker, error: unknown): void {
    if (this.current !== running || this.closed) return;
    this.current = undefined;
    void running.worker.terminate();
    this.failedStarts += 1;
    if (this.failedStarts >= MAX_FAILED_STARTS) {
      this.failedStarts = 0;
      for (const waiting of this.queue.splice(0)) waiting.reject(error);
      return;
    }
    this.pump();
  }

  private pump(): void {
    if (this.closed || this.queue.length === 0) return;
    const running = this.running();
    // Before it is ready nothing is posted: its start-up is not counted against any call.
    if (!running.isReady) return;
    while (this.queue.length > 0 && this.posted.length < MAX_POSTED) {
      const pending = this.queue.shift()!;
      const posted: Posted = { id: this.nextId++, pending };
      this.posted.push(posted);
      if (this.posted.length === 1) this.arm(running, posted);
      running.worker.ref();
      // A kept handler's source crosses to its worker once (a 187 KB source copied on every call cost
      // about as much as the call itself); the worker keeps it under the key until it is dropped.
      const key = pending.input === undefined ? undefined : pending.shape?.key;
      const sourceHeld = key !== undefined && running.sources.has(key);
      if (key !== undefined) running.sources.add(key);
      running.worker.postMessage({
        id: posted.id,
        ...(sourceHeld ? {} : { source: pending.source }),
        input: pending.input,
        ...(pending.shape ? { form: pending.shape.form } : {}),
        ...(pending.shape?.key === undefined ? {} : { key: pending.shape.key }),
      } satisfies WorkerRequest);
    }
  }

  /** Times the oldest posted call from now (when the one before it finished, it started). */
  private arm(running: RunningWorker, posted: Posted): void {
    posted.watchdog = setTimeout(
      () => this.stopRunaway(running, posted.id),
      evaluationTimeoutMs(this.limits, posted.pending.input === undefined) * wallClockFactor +
        WATCHDOG_GRACE_MS,
    );
  }

  private finish(worker: Worker, message: Extract<WorkerMessage, { type: 'result' }>): void {
    const head = this.posted[0];
    if (head?.id !== message.id || this.current?.worker !== worker) return;
    clearTimeout(head.watchdog);
    this.posted.shift();
    const next = this.posted[0];
    if (next) this.arm(this.current, next);
    else worker.unref();
    if (message.instanceBroken) this.instanceRestarts += 1;
    head.pending.resolve({
      evaluation: message.evaluation,
      instanceBroken: message.instanceBroken,
      reused: message.reused === true,
    });
    this.pump();
  }

  private stopRunaway(running: RunningWorker, id: number): void {
    if (this.current !== running || this.posted[0]?.id !== id) return;
    const { pending } = this.posted[0];
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

  /** The worker crashed or exited while it was the current one: fail the call it was running, start another. */
  private lose(worker: Worker, message: string): void {
    const running = this.current;
    if (running?.worker !== worker) return;
    // It failed to start: handled where `ready` rejects (failedStart).
    if (!running.isReady) return;
    const head = this.posted[0];
    this.replace(running);
    if (head) {
      head.pending.resolve({
        evaluation: {
          kind: 'error',
          code: head.pending.input === undefined ? 'compile' : 'exception',
          message: `${message}; it was replaced`,
        },
        instanceBroken: true,
      });
    }
    this.pump();
  }

  /**
   * Stops `running` and starts the next worker. The oldest posted call is the caller's to settle; the
   * others had not started, and go back to the front of the queue for the new worker (in their order).
   */
  private replace(running: RunningWorker): void {
    const posted = this.posted.splice(0);
    for (const entry of posted) clearTimeout(entry.watchdog);
    this.queue.unshift(...posted.slice(1).map((entry) => entry.pending));
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
