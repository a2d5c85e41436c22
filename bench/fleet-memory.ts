/**
 * Memory figures for the fleet benchmark: RSS and heap samples, a forced full GC (so retained memory,
 * not garbage, is what is compared), and a count of built agents the GC could not collect: an evicted
 * agent still reachable after a GC is a leak in the close path.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const megabytes = (bytes: number) => bytes / 1024 / 1024;

/** A full, synchronous garbage collection (V8's `gc`, reached without `--expose-gc` on the command line). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export interface MemorySample {
  rssMb: number;
  heapUsedMb: number;
}

export function sampleMemory(): MemorySample {
  const usage = process.memoryUsage();
  return { rssMb: megabytes(usage.rss), heapUsedMb: megabytes(usage.heapUsed) };
}

/** After a full GC: what is retained. */
export async function retainedMemory(): Promise<MemorySample> {
  collectGarbage();
  // Finalizers and weak callbacks run after the collection, on later turns.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  return sampleMemory();
}

/** Counts objects registered with `track` that are still reachable (call `reachable()` after a GC). */
export class ReachabilityCounter {
  private tracked = 0;
  private collected = 0;
  private readonly registry = new FinalizationRegistry<undefined>(() => {
    this.collected++;
  });

  track(value: object): void {
    this.tracked++;
    this.registry.register(value, undefined);
  }

  /** Tracked objects not yet finalized; run `retainedMemory()` first, and wait a turn for the callbacks. */
  async reachable(): Promise<{ tracked: number; reachable: number }> {
    await retainedMemory();
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setTimeout(resolve, 10));
    return { tracked: this.tracked, reachable: this.tracked - this.collected };
  }
}
