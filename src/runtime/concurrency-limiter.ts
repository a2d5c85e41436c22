/**
 * Bounds how many model runs execute at once on this host (each real run spawns a ~250 MB CLI child)
 * and queues the rest fairly: waiting work is served round-robin across tenants, so one busy tenant
 * cannot starve the others.
 */
import { StewardError } from '../errors/index.js';

export interface ConcurrencyLimiterOptions {
  /** Runs allowed at once. */
  limit: number;
  /** Waiting runs allowed at once before `queue-full` is thrown; default 1000. */
  maxQueued?: number;
  /** Called with the wait of every run that got a slot (milliseconds). */
  onWait?: (waitMs: number) => void;
  now?: () => number;
}

/** How one run waits: `signal` drops it from the queue; `admit` decides, once it holds a slot, whether it runs. */
export interface LimiterRunOptions {
  signal?: AbortSignal | undefined;
  /** Called after the slot is taken and before `task`; a throw rejects the run and frees the slot. */
  admit?: (() => Promise<void>) | undefined;
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: unknown) => void;
  enqueuedAt: number;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * @example
 * const limiter = new ConcurrencyLimiter({ limit: 4 });
 * const result = await limiter.run('acme', () => spawnModelRun(), { admit: () => budget.check() });
 */
export class ConcurrencyLimiter {
  readonly limit: number;
  private readonly maxQueued: number;
  private readonly onWait: ((waitMs: number) => void) | undefined;
  private readonly now: () => number;
  private running = 0;
  private queuedCount = 0;
  /** Waiting runs per fairness key; Map iteration order gives the round-robin order. */
  private readonly queues = new Map<string, Waiter[]>();

  constructor(options: ConcurrencyLimiterOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new StewardError(
        'invalid-config',
        `concurrency limit must be an integer >= 1, received ${options.limit}`,
      );
    }
    this.limit = options.limit;
    this.maxQueued = options.maxQueued ?? 1000;
    this.onWait = options.onWait;
    this.now = options.now ?? Date.now;
  }

  get stats(): { running: number; queued: number; limit: number } {
    return { running: this.running, queued: this.queuedCount, limit: this.limit };
  }

  /**
   * Runs `task` when a slot is free; `key` (usually the tenant) is the unit of fairness. The wait passed to
   * `task` is the time spent queued, before `admit`.
   */
  async run<T>(
    key: string,
    task: (waitMs: number) => Promise<T>,
    options: LimiterRunOptions = {},
  ): Promise<T> {
    const enqueuedAt = this.now();
    const release = await this.acquire(key, options.signal);
    try {
      const waitMs = this.now() - enqueuedAt;
      await options.admit?.();
      return await task(waitMs);
    } finally {
      release();
    }
  }

  /** Waits for a slot and returns the function that gives it back. */
  acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (this.running < this.limit && this.queuedCount === 0) {
      this.running++;
      this.onWait?.(0);
      return Promise.resolve(this.releaser());
    }
    if (this.queuedCount >= this.maxQueued) {
      return Promise.reject(
        new StewardError('queue-full', `model run queue is full (${this.maxQueued} waiting); retry later`),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, enqueuedAt: this.now() };
      if (signal) {
        waiter.signal = signal;
        waiter.onAbort = () => {
          if (this.remove(key, waiter)) reject(abortError());
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      const queue = this.queues.get(key);
      if (queue) queue.push(waiter);
      else this.queues.set(key, [waiter]);
      this.queuedCount++;
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.dispatch();
    };
  }

  private dispatch(): void {
    while (this.running < this.limit && this.queuedCount > 0) {
      const first = this.queues.entries().next();
      if (first.done) return;
      const [key, queue] = first.value;
      const waiter = queue.shift()!;
      // Move this key to the back so the next slot goes to another tenant.
      this.queues.delete(key);
      if (queue.length > 0) this.queues.set(key, queue);
      this.queuedCount--;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      this.running++;
      this.onWait?.(this.now() - waiter.enqueuedAt);
      waiter.resolve(this.releaser());
    }
  }

  private remove(key: string, waiter: Waiter): boolean {
    const queue = this.queues.get(key);
    const index = queue?.indexOf(waiter) ?? -1;
    if (!queue || index < 0) return false;
    queue.splice(index, 1);
    if (queue.length === 0) this.queues.delete(key);
    this.queuedCount--;
    return true;
  }
}

function abortError(): StewardError {
  return new StewardError('aborted', 'the run was aborted while waiting for a concurrency slot');
}
