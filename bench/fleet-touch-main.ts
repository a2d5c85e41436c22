/**
 * The fleet benchmark's touch phase as its own process (bench/fleet-touch-process.ts bundles and starts
 * it): the host's memory is measured in a process that holds only the host, running compiled JavaScript
 * as `steward serve` does, not the TypeScript loader or the million-row generation's buffers.
 * Input: one JSON argument `{ store, sizes }`; output: the `TouchFigures` JSON as the last stdout line.
 */
import { openStore, type StoreConfig } from '../src/store/index.js';
import { instantRuntime } from './fleet-runtime.js';
import { benchTouches, type TouchSizes } from './fleet-touch.js';

interface TouchJob {
  store: StoreConfig;
  sizes: TouchSizes;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as TouchJob;
  const store = await openStore(job.store, {});
  const runtime = instantRuntime();
  try {
    const figures = await benchTouches(store, runtime, job.sizes);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await runtime.close();
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
