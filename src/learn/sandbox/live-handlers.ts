/**
 * Handlers whose source is proven stateless (stateless-source.ts) keep one QuickJS runtime across calls:
 * the source is evaluated once, then `Symbol.for` is removed and the global object and everything
 * reachable from it (built-ins, the handler, its data tables) are frozen, so a call can change nothing a
 * later call would see. Each call then only copies its arguments in and calls the function: ~15 µs
 * instead of evaluating the whole source again (~0.5 ms, plus ~134 µs per 1,000 characters).
 *
 * Limits are as for a fresh runtime: the runtime's memory and stack limits, the call's time limit, the
 * output cap. A call that runs out of time or memory drops its runtime (the next call loads the source
 * again); a broken WebAssembly instance drops them all. A worker keeps at most `maxRuntimes` runtimes
 * and `maxBytes` of their heaps as measured just after loading (a runtime with no data uses ~90 KB; a
 * 4,000-term table ~0.8 MB; the offline writer's softmax handler, ~125 KB of source, ~0.53 MB). A handler that finds no room runs in a fresh runtime per call (as before)
 * until a disposed handler frees some, or a kept runtime not called for `idleMs` (10 minutes) gives up
 * its room. Evicting instead would make an agent with more serving handlers
 * than fit reload and refreeze (~10 ms) on every call, far slower than a fresh evaluation.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import {
  DESCRIBE_THROWN_SOURCE,
  type EvaluationResult,
  errorOutcome,
  type HandlerArguments,
  instanceFailure,
  loadHandler,
  oversizedInput,
  readReply,
} from './evaluate.js';
import { copyIntoVm } from './plain-data.js';
import { startTimeLimit } from './time-limit.js';
import type { HandlerOutcome, SandboxLimits, StatelessForm } from './types.js';

type Limits = Readonly<Required<SandboxLimits>>;

/**
 * Evaluated before the handler's source, so it holds the built-ins it uses before a script could shadow
 * them with declarations of its own; called once after loading, with the handler: no global symbol
 * registry (it outlives calls), then everything reachable from the global object or from the handler
 * frozen (a named function expression's own name reaches the function, which the global object does not).
 */
export const FREEZE_SOURCE = `(function () {
  var freeze = Object.freeze, prototypeOf = Object.getPrototypeOf, describe = Object.getOwnPropertyDescriptor;
  var ownKeys = Reflect.ownKeys, symbols = Symbol, Seen = WeakSet, global = globalThis;
  return function (handler) {
    delete symbols.for;
    delete symbols.keyFor;
    var seen = new Seen();
    var pending = [global, handler];
    while (pending.length > 0) {
      var value = pending.pop();
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
      seen.add(value);
      freeze(value);
      pending.push(prototypeOf(value));
      var keys = ownKeys(value);
      for (var i = 0; i < keys.length; i++) {
        var descriptor = describe(value, keys[i]);
        if (!descriptor) continue;
        if ('value' in descriptor) pending.push(descriptor.value);
        else pending.push(descriptor.get, descriptor.set);
      }
    }
  };
})()`;

/** How much a worker keeps: runtimes, and bytes of their heaps as loaded. */
export interface LiveCapacity {
  maxRuntimes: number;
  maxBytes: number;
  /**
   * A kept runtime not called for this long gives its room to a handler that finds none (an agent gone
   * quiet should not keep a busy agent's handlers running fresh). Runtimes in use are never evicted:
   * evicting those would reload one on every call once more handlers serve than fit.
   */
  idleMs?: number;
}

export const defaultLiveCapacity: Readonly<LiveCapacity> = Object.freeze({
  maxRuntimes: 256,
  maxBytes: 128 * 1024 * 1024,
  idleMs: 10 * 60_000,
});

interface Live {
  /** When it was last called (the `now` clock). */
  lastUsed: number;
  runtime: QuickJSRuntime;
  /** Heap bytes in use just after loading and freezing. */
  bytes: number;
  context: QuickJSContext;
  handler: QuickJSHandle;
  describe: QuickJSHandle;
}

export interface LiveCallResult extends EvaluationResult {
  /** The call ran in a runtime kept from an earlier call (the source was not evaluated again). */
  reused: boolean;
}

export class LiveHandlers {
  private readonly live = new Map<string, Live>();
  /** Handlers that did not load or did not fit: not loaded again until a kept runtime is dropped. */
  private readonly refused = new Set<string>();
  private bytes = 0;

  constructor(
    private readonly limits: Limits,
    private readonly capacity: Readonly<LiveCapacity> = defaultLiveCapacity,
    private readonly now: () => number = () => performance.now(),
    private readonly cpuNow: (() => number) | null = null,
  ) {}

  get size(): number {
    return this.live.size;
  }

  /** Heap bytes of the kept runtimes, as measured when each was loaded. */
  get keptBytes(): number {
    return this.bytes;
  }

  /**
   * Calls the handler `key` (loading `source` first when no runtime is kept for it). Undefined when the
   * source does not load into a function (the caller evaluates it afresh, which reports why) or there is
   * no room for its runtime (the caller evaluates it afresh). Either way the source is not loaded again
   * until a kept runtime is dropped.
   */
  call(
    module: QuickJSWASMModule,
    key: string,
    source: string,
    form: StatelessForm,
    input: HandlerArguments,
  ): LiveCallResult | undefined {
    const tooLarge = oversizedInput(input, this.limits);
    if (tooLarge) return { evaluation: tooLarge, instanceBroken: false, reused: false };
    let entry = this.live.get(key);
    const reused = entry !== undefined;
    try {
      if (!entry) {
        const full = () => this.live.size >= this.capacity.maxRuntimes;
        if ((full() || this.refused.has(key)) && (this.dropIdle() === 0 || full() || this.refused.has(key))) {
          return undefined;
        }
        entry = this.load(module, source, form);
        if (!entry) {
          // It did not load (its load ran out of time on a busy host, say): not tried again on every call.
          this.refused.add(key);
          return undefined;
        }
        if (this.bytes + entry.bytes > this.capacity.maxBytes) this.dropIdle();
        if (this.bytes + entry.bytes > this.capacity.maxBytes) {
          free(entry);
          this.refused.add(key);
          return undefined;
        }
        this.live.set(key, entry);
        this.bytes += entry.bytes;
      }
      entry.lastUsed = this.now();
      const evaluation = this.callIn(entry, input);
      if (evaluation.kind === 'error' && (evaluation.code === 'timeout' || evaluation.code === 'memory')) {
        this.drop(key);
      }
      return { evaluation, instanceBroken: false, reused };
    } catch (error) {
      // The instance failed mid-operation: every runtime of it is abandoned, none freed.
      this.forget();
      return { evaluation: instanceFailure(error, false), instanceBroken: true, reused };
    }
  }

  /** Frees the runtime kept for `key`, if any. */
  drop(key: string): void {
    this.refused.delete(key);
    const entry = this.live.get(key);
    if (!entry) return;
    this.live.delete(key);
    this.bytes -= entry.bytes;
    // Room was freed: the handlers refused for want of it may fit now.
    this.refused.clear();
    free(entry);
  }

  /** Drops the runtimes not called for `idleMs`; returns how many. */
  private dropIdle(): number {
    const idleMs = this.capacity.idleMs;
    if (idleMs === undefined || this.live.size === 0) return 0;
    const now = this.now();
    const idle = [...this.live].filter(([, entry]) => now - entry.lastUsed > idleMs).map(([key]) => key);
    for (const key of idle) this.drop(key);
    return idle.length;
  }

  /** The WebAssembly instance was replaced: its runtimes are gone with it. */
  forget(): void {
    this.live.clear();
    this.refused.clear();
    this.bytes = 0;
  }

  private load(module: QuickJSWASMModule, source: string, form: StatelessForm): Live | undefined {
    const runtime = module.newRuntime();
    runtime.setMemoryLimit(this.limits.memoryBytes);
    runtime.setMaxStackSize(this.limits.maxStackBytes);
    const context = runtime.newContext();
    const limit = startTimeLimit(this.limits.compileTimeoutMs, this.now, this.cpuNow ?? undefined);
    runtime.setInterruptHandler(() => limit.expired());
    const owned: QuickJSHandle[] = [];
    const give = (): undefined => {
      for (const handle of owned.reverse()) if (handle.alive) handle.dispose();
      context.dispose();
      runtime.dispose();
      return undefined;
    };
    const described = context.evalCode(DESCRIBE_THROWN_SOURCE, 'steward-describe.js', { strict: true });
    if (described.error) {
      owned.push(described.error);
      return give();
    }
    const describe = described.value;
    owned.push(describe);
    const freezer = context.evalCode(FREEZE_SOURCE, 'steward-freeze.js', { strict: true });
    if (freezer.error) {
      owned.push(freezer.error);
      return give();
    }
    owned.push(freezer.value);
    const loaded = loadHandler(context, source, form);
    if (loaded.error) {
      owned.push(loaded.error);
      return give();
    }
    const handler = loaded.value;
    owned.push(handler);
    if (context.typeof(handler) !== 'function') return give();
    const frozen = context.callFunction(freezer.value, context.undefined, handler);
    if (frozen.error) {
      owned.push(frozen.error);
      return give();
    }
    frozen.value.dispose();
    freezer.value.dispose();
    const usage = runtime.computeMemoryUsage();
    const used = (context.dump(usage) as { memory_used_size?: unknown }).memory_used_size;
    usage.dispose();
    // Unreadable usage counts as a full heap: the runtime is kept only if that fits.
    const bytes = typeof used === 'number' && used > 0 ? used : this.limits.memoryBytes;
    return { runtime, context, handler, describe, bytes, lastUsed: this.now() };
  }

  private callIn(entry: Live, input: HandlerArguments): HandlerOutcome {
    const { runtime, context } = entry;
    const owned: QuickJSHandle[] = [];
    try {
      const argumentHandles = [
        copyIntoVm(context, input.request, owned),
        copyIntoVm(context, input.context, owned),
      ];
      const limit = startTimeLimit(this.limits.timeoutMs, this.now, this.cpuNow ?? undefined);
      let timedOut = false;
      runtime.setInterruptHandler(() => {
        if (!limit.expired()) return false;
        timedOut = true;
        return true;
      });
      const called = context.callFunction(entry.handler, context.undefined, ...argumentHandles);
      if (called.error) {
        owned.push(called.error);
        return errorOutcome(
          context,
          entry.describe,
          called.error,
          { timedOut, compiling: false, otherwise: 'exception' },
          this.limits,
        );
      }
      owned.push(called.value);
      return readReply(context, called.value, this.limits);
    } finally {
      for (const handle of owned.reverse()) if (handle.alive) handle.dispose();
    }
  }
}

function free(entry: Live): void {
  entry.handler.dispose();
  entry.describe.dispose();
  entry.context.dispose();
  entry.runtime.dispose();
}
