/**
 * The fleet benchmark's touch phase as its own process (bench/fleet-touch-process.ts bundles and starts
 * it): the host's memory is measured in a process that holds only the host, running compiled JavaScript
 * as `steward serve` does, not the TypeScript loader or the million-row generation's buffers.
 * Input: one JSON argument `{ store, sizes }`; output: the `TouchFigures` JSON as the last stdout line.
 */
import pg from 'pg';
import { applyHeapGrowth } from '../src/fleet/index.js';
import { openStore, type StoreConfig } from '../src/store/index.js';
import { instantRuntime } from './fleet-runtime.js';
import { benchTouches, type TouchSizes } from './fleet-touch.js';

interface TouchJob {
  store: StoreConfig;
  sizes: TouchSizes;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as TouchJob;
  const counted = process.env.STEWARD_BENCH_FLEET_COUNT_QUERIES === '1' ? countQueries() : undefined;
  // As `steward serve` does before it builds agents on demand.
  const growth = applyHeapGrowth(process.env);
  console.error(`[touch] heap growing percent ${growth.percent} (${growth.source})`);
  // Only the page cache's size from the environment (STEWARD_SQLITE_CACHE_MB), as `steward serve` reads it.
  const store = await openStore(job.store, { STEWARD_SQLITE_CACHE_MB: process.env.STEWARD_SQLITE_CACHE_MB });
  const runtime = instantRuntime();
  try {
    counted?.reset();
    const figures = await benchTouches(store, runtime, job.sizes);
    counted?.report(figures.touches);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await runtime.close();
    await store.close();
  }
}

/**
 * STEWARD_BENCH_FLEET_COUNT_QUERIES=1 (PostgreSQL): counts the queries every pg client sends, by the first
 * table each names, and writes the count per touch to stderr, so the cost of a touch is visible by area.
 */
function countQueries(): { reset(): void; report(touches: number): void } {
  const counts = new Map<string, number>();
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
    const verb = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '?';
    const table = /\b(?:from|into|update)\s+"?([a-z_]+)"?/i.exec(text)?.[1] ?? '-';
    const name = `${verb} ${table}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return original.apply(this, args);
  };
  return {
    reset: () => counts.clear(),
    report(touches) {
      const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
      const lines = [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([name, count]) => `  ${(count / Math.max(1, touches)).toFixed(2).padStart(6)}  ${name}`);
      console.error(
        `[queries] ${(total / Math.max(1, touches)).toFixed(2)} per touch over ${touches} touches\n${lines.join('\n')}`,
      );
    },
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
