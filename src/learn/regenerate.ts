/**
 * When a rolled-back cluster may get a new handler: only on new evidence (at least `minOccurrences` of
 * its members observed since the rollback, so a handler rolled back is never rewritten in a tight loop
 * from the traffic that condemned it), and at most `maxGenerations` handlers per cluster, after which the
 * cluster is left to the model.
 */
import type { Capability } from './capability-store.js';

/** What the learning loop does with a cluster whose newest capability is in `history`. */
export type RegenerationDecision =
  /** The newest capability is not rolled back: nothing to regenerate. */
  | { kind: 'none' }
  /** Rolled back, waiting for `needed` members observed after the rollback (it has `newObservations`). */
  | { kind: 'wait'; newObservations: number; needed: number }
  /** Write generation `generation`, replacing the rolled-back `previous`. */
  | { kind: 'regenerate'; generation: number; previous: Capability; newObservations: number }
  /** The cluster had `maxGenerations` handlers, all rolled back or failed: the model keeps answering it. */
  | { kind: 'exhausted'; generations: number };

/** How a rolled-back capability stands, for the analytics. */
export type AfterRollback = 'waiting-for-new-traffic' | 'regenerated' | 'left-to-the-model';

/** Handlers a cluster may get in all (the first and its regenerations) unless configured. */
export const defaultMaxGenerations = 3;

/**
 * @example
 * regenerationDecision(await capabilities.ofCluster(selector, scopeKey, signature), candidate.memberTimes,
 *   { minOccurrences: 10, maxGenerations: 3 }) // { kind: 'wait', newObservations: 4, needed: 10 }
 */
export function regenerationDecision(
  history: readonly Capability[],
  memberTimes: readonly number[],
  settings: { minOccurrences: number; maxGenerations: number },
): RegenerationDecision {
  const latest = history.reduce<Capability | undefined>(
    (newest, capability) => (!newest || capability.generation > newest.generation ? capability : newest),
    undefined,
  );
  if (latest?.state !== 'rolled-back') return { kind: 'none' };
  if (latest.generation >= settings.maxGenerations)
    return { kind: 'exhausted', generations: latest.generation };
  const since = latest.rolledBackAt ?? latest.updatedAt;
  const newObservations = memberTimes.filter((time) => time > since).length;
  if (newObservations < settings.minOccurrences) {
    return { kind: 'wait', newObservations, needed: settings.minOccurrences };
  }
  return { kind: 'regenerate', generation: latest.generation + 1, previous: latest, newObservations };
}

/**
 * For a rolled-back capability among all of an agent's: replaced by a later generation of its cluster,
 * left to the model (it was the last generation allowed), or waiting for new traffic; null otherwise.
 */
export function afterRollback(
  capability: Capability,
  all: readonly Capability[],
  maxGenerations: number,
): AfterRollback | null {
  if (capability.state !== 'rolled-back') return null;
  const replaced = all.some(
    (other) =>
      other.scopeKey === capability.scopeKey &&
      other.clusterSignature === capability.clusterSignature &&
      other.generation > capability.generation,
  );
  if (replaced) return 'regenerated';
  return capability.generation >= maxGenerations ? 'left-to-the-model' : 'waiting-for-new-traffic';
}
