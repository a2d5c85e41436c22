/**
 * Child of heap-growth.test.ts: applies the heap growth from its environment, then churns agent-sized
 * objects through an LRU of 1,000 (as AgentHost does) and prints the peak heap it saw, as JSON.
 */
import { applyHeapGrowth } from '../../src/fleet/index.js';

const growth = applyHeapGrowth(process.env);
const live = new Map<number, unknown>();
let peakHeapMb = 0;
for (let index = 0; index < 12_000; index++) {
  live.set(index, {
    index,
    parts: Array.from({ length: 300 }, (_, part) => ({ part, text: `${'x'.repeat(20)}${index}` })),
  });
  if (live.size > 1_000) live.delete(live.keys().next().value as number);
  if (index % 250 === 0) peakHeapMb = Math.max(peakHeapMb, process.memoryUsage().heapTotal / 2 ** 20);
}
process.stdout.write(`${JSON.stringify({ growth, peakHeapMb: Math.round(peakHeapMb) })}\n`);
