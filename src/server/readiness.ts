/** `/readyz`: whether this instance should get traffic, checked against the store at most once a second. */
import type { StewardStore } from '../store/index.js';

export type NotReadyReason = 'store-unreachable' | 'migrations-pending' | 'shutting-down';

export type Readiness = { status: 'ready' } | { status: 'not-ready'; reason: NotReadyReason };

export interface ReadinessOptions {
  store: Pick<StewardStore, 'ping' | 'pendingMigrations'>;
  /** True once shutdown began. */
  draining: () => boolean;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  /** How long one store check answers every probe, so a load balancer's probes do not each query the store; default 1,000. */
  cacheMs?: number;
  /** How long the ping may take before the store counts as unreachable; default 2,000. */
  pingTimeoutMs?: number;
  /** Told when the instance turns not ready (once per change, not every probe), with the store's error if any. */
  onNotReady?: (reason: NotReadyReason, error: unknown) => void;
}

/**
 * @example
 * const readiness = createReadinessCheck({ store, draining: () => lifecycle.draining });
 * const state = await readiness(); // { status: 'not-ready', reason: 'store-unreachable' }
 */
export function createReadinessCheck(options: ReadinessOptions): () => Promise<Readiness> {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 1_000;
  let last: { at: number; readiness: Readiness } | undefined;
  let running: Promise<Readiness> | undefined;
  let reported: NotReadyReason | undefined;

  const notReady = (reason: NotReadyReason, error: unknown): Readiness => {
    if (reported !== reason) options.onNotReady?.(reason, error);
    reported = reason;
    return { status: 'not-ready', reason };
  };

  const checkStore = async (): Promise<Readiness> => {
    try {
      await options.store.ping(
        options.pingTimeoutMs === undefined ? {} : { timeoutMs: options.pingTimeoutMs },
      );
    } catch (error) {
      return notReady('store-unreachable', error);
    }
    let pending: string[];
    try {
      pending = await options.store.pendingMigrations();
    } catch (error) {
      return notReady('store-unreachable', error);
    }
    if (pending.length > 0) return notReady('migrations-pending', `not recorded: ${pending.join(', ')}`);
    reported = undefined;
    return { status: 'ready' };
  };

  return async () => {
    if (options.draining()) return { status: 'not-ready', reason: 'shutting-down' };
    if (last && now() - last.at < cacheMs) return last.readiness;
    // Probes that arrive while a check runs share it.
    running ??= checkStore().then((readiness) => {
      last = { at: now(), readiness };
      running = undefined;
      return readiness;
    });
    return running;
  };
}
