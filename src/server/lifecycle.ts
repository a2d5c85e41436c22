/** The shutdown state of one app: the draining flag, aborting in-flight work, and closing what the app serves. */
import type { ClaudeAgent } from '../agent/index.js';
import type { AgentRuntime } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';

/**
 * How a request learns that its client hung up: the fetch request's signal, or (cheaper, served by Node)
 * the Node response itself, closed before it finished.
 */
export type ClientConnection = AbortSignal | NodeResponseEvents;

/** The part of Node's `ServerResponse` that tells a hang-up. */
export interface NodeResponseEvents {
  readonly writableFinished: boolean;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

export interface AppLifecycle {
  /** True once shutdown began: `/healthz` answers 503 and new API calls are refused. */
  readonly draining: boolean;
  startDraining(): void;
  /**
   * The signal of one request's work: aborted when the client hangs up (`client` aborts, or its Node
   * response closes unfinished) or by `abortInFlight`. Call `dispose` when the work ends. Each request gets
   * its own controller in a set, rather than a listener on one shared signal, which gained a listener per
   * request in flight (and Node's MaxListenersExceededWarning past ten). Given Node's response, it is the
   * request's only AbortController (reading the fetch request's `signal` makes @hono/node-server create another).
   */
  trackRequest(client: ClientConnection): { signal: AbortSignal; dispose(): void };
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
    trackRequest(client) {
      const controller = new AbortController();
      if (abortedWith) {
        controller.abort(abortedWith);
        return { signal: controller.signal, dispose() {} };
      }
      let stopWatching: () => void;
      if (client instanceof AbortSignal) {
        const onClientAbort = () => controller.abort(client.reason);
        if (client.aborted) onClientAbort();
        else client.addEventListener('abort', onClientAbort, { once: true });
        stopWatching = () => client.removeEventListener('abort', onClientAbort);
      } else {
        const onClose = () => {
          if (!client.writableFinished) controller.abort(new Error('the client closed the connection'));
        };
        client.once('close', onClose);
        stopWatching = () => client.off('close', onClose);
      }
      if (!controller.signal.aborted) inFlight.add(controller);
      return {
        signal: controller.signal,
        dispose() {
          stopWatching();
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
