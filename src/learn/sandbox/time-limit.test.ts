import { describe, expect, it } from 'vitest';
import { startTimeLimit, threadCpuClock, wallClockFactor } from './time-limit.js';

describe('startTimeLimit', () => {
  it('is not expired while a loaded host kept the thread waiting (wall-clock past, CPU time not)', () => {
    let wall = 0;
    let cpu = 0;
    const limit = startTimeLimit(
      100,
      () => wall,
      () => cpu,
    );
    wall = 99;
    cpu = 99;
    expect(limit.expired()).toBe(false);
    // 150 ms of wall-clock time, of which the thread ran 40 ms.
    wall = 150;
    cpu = 40;
    expect(limit.expired()).toBe(false);
    wall = 300;
    cpu = 100;
    expect(limit.expired()).toBe(true);
  });

  it('expires at wallClockFactor × the limit whatever the CPU time, and is wall-clock without a CPU clock', () => {
    let wall = 0;
    const idle = startTimeLimit(
      100,
      () => wall,
      () => 0,
    );
    wall = 100 * wallClockFactor - 1;
    expect(idle.expired()).toBe(false);
    wall = 100 * wallClockFactor;
    expect(idle.expired()).toBe(true);
    wall = 0;
    const plain = startTimeLimit(100, () => wall, undefined);
    wall = 100;
    expect(plain.expired()).toBe(true);
  });

  it('reads the thread CPU clock only after the limit in wall-clock time', () => {
    let wall = 0;
    let reads = 0;
    const limit = startTimeLimit(
      100,
      () => wall,
      () => {
        reads += 1;
        return 0;
      },
    );
    for (wall = 0; wall < 100; wall += 1) limit.expired();
    expect(reads).toBe(1);
  });
});

describe('threadCpuClock', () => {
  it("on Linux counts this thread's CPU time, not the time it waits", async () => {
    const clock = threadCpuClock();
    if (!clock) return;
    const before = clock();
    await new Promise((resolve) => setTimeout(resolve, 120));
    const idle = clock() - before;
    // Busy until the clock counted 50 ms (on a loaded host that takes longer than 50 ms of wall-clock time).
    const start = performance.now();
    while (clock() - before - idle < 50 && performance.now() - start < 10_000) {}
    expect(idle).toBeLessThan(50);
    expect(clock() - before - idle).toBeGreaterThanOrEqual(50);
  });
});
