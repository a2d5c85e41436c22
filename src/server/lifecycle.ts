/** The shutdown state of one app: the draining flag, aborting in-flight work, and closing what the app serves. */
import type { ClaudeAgent } from '../agent/index.js';
import type { AgentRuntime } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';

export interface AppLifecycle {
  /** True once shutdown began: `/healthz` answers 503 and new API calls are refused. */
  readonly draining: boolean;
  startDraining(): void;
  /**
   * The signal of one request's work: aborted when `clientSignal` is (the client hung up) or by
   * `abortInFlight`. Call `dispose` when the work ends. Each request gets its own controller in a set,
   * rather than a listener on one shared signal, which gained a listener per request in flight (and
   * Node's MaxListenersExceededWarning past ten).
   */
  trackRequest(clientSignal: AbortSignal): { signal: AbortSignal; dispose(): void };
  /** Aborts every in-flight handle (their clients get `aborted`), and any request tracked after it. */
  abortInFlight(reason: string): void;
  /** Closes the agents, then the other resources and the runtime, then the store; safe to call more than once. */
  closeResources(): Promise<void>;
}

export function createLifecycle(parts: {
  agents: readonly ClaudeAgent[];
  runtime: AgentRuntime | undefined;
  store: StewardStore;
  /** Closed after the agents, before the store. */
  resources?: ReadonlyArray<{ close(): Promise<void> }>;
}): AppLifecycle {
  let draining = false;
  let abortedWith: Error | undefined;
  const inFlight = new Set<AbortController>();
  let closed: Promise<void> | undefined;

  return {
    get draining() {
      return draining;
    },
    startDraining() {
      draining = true;
    },
    trackRequest(clientSignal) {
      const controller = new AbortController();
      const onClientAbort = () => controller.abort(clientSignal.reason);
      if (abortedWith) controller.abort(abortedWith);
      else if (clientSignal.aborted) onClientAbort();
      else {
        clientSignal.addEventListener('abort', onClientAbort, { once: true });
        inFlight.add(controller);
      }
      return {
        signal: controller.signal,
        dispose() {
          clientSignal.removeEventListener('abort', onClientAbort);
          inFlight.delete(controller);
        },
      };
    },
    abortInFlight(reason) {
      abortedWith ??= new Error(reason);
      for (const controller of inFlight) controller.abort(abortedWith);
      inFlight.clear();
    },
    closeResources() {
      closed ??= (async () => {
        const failures: unknown[] = [];
        const settle = async (work: () => Promise<void>) => {
          try {
            await work();
          } catch (error) {
            failures.push(error);
          }
        };
        await Promise.all(parts.agents.map((agent) => settle(() => agent.close())));
        for (const resource of parts.resources ?? []) await settle(() => resource.close());
        if (parts.runtime) await settle(() => parts.runtime!.close());
        await settle(() => parts.store.close());
        if (failures.length > 0) throw new AggregateError(failures, 'some resources failed to close');
      })();
      return closed;
    },
  };
}
