/**
 * How far V8 lets the heap grow between full collections in a process that churns through agents. On a
 * machine with much memory V8 grows the old generation up to about four times what survived the last
 * full collection, so the agents an LRU evicted linger as garbage: 1,000 live agents over 100,000
 * distinct tenants peaked at 378–465 MB RSS with V8's default, where the live heap after a full
 * collection was about 70 MB. `--heap-growing-percent` bounds that growth without capping the heap (no
 * out-of-memory crash when a tenant needs more); it costs some CPU in more frequent collections.
 */
import { setFlagsFromString } from 'node:v8';
import { InvalidConfigError } from '../../errors/index.js';

/** `steward serve`'s default: a full collection once the heap is a quarter above what survived the last. */
export const DEFAULT_HEAP_GROWING_PERCENT = 25;

const flagName = '--heap-growing-percent';

export interface HeapGrowth {
  /** The percent in force; 0 means V8's own heuristics. */
  percent: number;
  /** Where it came from. */
  source: 'node flags' | 'STEWARD_HEAP_GROWING_PERCENT' | 'default';
}

/**
 * Applies the heap growth for this process: a `--heap-growing-percent` already given to Node (on its
 * command line or in NODE_OPTIONS) wins; else STEWARD_HEAP_GROWING_PERCENT (a whole number, 0 keeps V8's
 * heuristics); else {@link DEFAULT_HEAP_GROWING_PERCENT}. V8 reads the flag at each collection, so it
 * takes effect at once. Throws InvalidConfigError on a value that is not a whole number.
 *
 * @example
 * applyHeapGrowth(process.env); // { percent: 25, source: 'default' }
 */
export function applyHeapGrowth(
  env: NodeJS.ProcessEnv,
  execArgv: readonly string[] = process.execArgv,
): HeapGrowth {
  const nodeArguments = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  const at = nodeArguments.findIndex((argument) => argument.replaceAll('_', '-').startsWith(flagName));
  if (at >= 0) {
    // `--heap-growing-percent=40` or `--heap-growing-percent 40`.
    const [, inline] = nodeArguments[at]!.split('=');
    return { percent: Number(inline ?? nodeArguments[at + 1] ?? 0), source: 'node flags' };
  }
  const raw = env.STEWARD_HEAP_GROWING_PERCENT?.trim();
  let growth: HeapGrowth = { percent: DEFAULT_HEAP_GROWING_PERCENT, source: 'default' };
  if (raw !== undefined && raw !== '') {
    const percent = Number(raw);
    if (!Number.isInteger(percent) || percent < 0 || percent > 1_000) {
      throw new InvalidConfigError(
        [
          {
            path: 'STEWARD_HEAP_GROWING_PERCENT',
            expected: "a whole number from 0 (V8's own heuristics) to 1000",
            received: JSON.stringify(raw),
          },
        ],
        'environment',
      );
    }
    growth = { percent, source: 'STEWARD_HEAP_GROWING_PERCENT' };
  }
  setFlagsFromString(`${flagName}=${growth.percent}`);
  return growth;
}
