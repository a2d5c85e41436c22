/** The shutdown state of one app: the draining flag, aborting in-flight work, and closing what the app serves. */
import type { ClaudeAgent } from '../agent/index.js';
import type { AgentRuntime } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';

export interface AppLifecycle {
  /** True once shutdown began: `/healthz` answers 503 and new API calls are refused. */
  readonly draining: boolean;
  /** Aborted when in-flight work must stop (the drain deadline passed); every handle listens to it. */
  readonly abortSignal: AbortSignal;
  startDraining(): void;
  /** Aborts every in-flight handle (their clients get `aborted`). */
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
  const aborter = new AbortController();
  let closed: Promise<void> | undefined;

  return {
    get draining() {
      return draining;
    },
    abortSignal: aborter.signal,
    startDraining() {
      draining = true;
    },
    abortInFlight(reason) {
      if (!aborter.signal.aborted) aborter.abort(new Error(reason));
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
