import { describe, expect, it } from 'vitest';
import { StewardError } from '../errors/index.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';

/** A task that finishes when the test says so. */
function deferred(): { promise: Promise<void>; finish: () => void } {
  let finish!: () => void;
  const promise = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { promise, finish };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ConcurrencyLimiter', () => {
  it('never runs more tasks at once than its limit', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 2 });
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 5 }, () => deferred());
    const runs = gates.map((gate, index) =>
      limiter.run(`tenant-${index}`, async () => {
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
        return index;
      }),
    );
    await flush();
    expect(limiter.stats).toEqual({ running: 2, queued: 3, limit: 2 });
    for (const gate of gates) {
      gate.finish();
      await flush();
    }
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(limiter.stats).toEqual({ running: 0, queued: 0, limit: 2 });
  });

  it('serves waiting tenants round-robin, so a busy tenant cannot starve the others', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1 });
    const blocker = deferred();
    const order: string[] = [];
    const first = limiter.run('busy', () => blocker.promise);
    const queued = [
      ...['busy-1', 'busy-2', 'busy-3'].map((name) =>
        limiter.run('busy', async () => {
          order.push(name);
        }),
      ),
      limiter.run('quiet', async () => {
        order.push('quiet-1');
      }),
      limiter.run('other', async () => {
        order.push('other-1');
      }),
    ];
    await flush();
    expect(limiter.stats.queued).toBe(5);
    blocker.finish();
    await Promise.all([first, ...queued]);
    expect(order).toEqual(['busy-1', 'quiet-1', 'other-1', 'busy-2', 'busy-3']);
  });

  it('rejects with queue-full once maxQueued runs are waiting', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1, maxQueued: 1 });
    const blocker = deferred();
    const first = limiter.run('a', () => blocker.promise);
    const second = limiter.run('a', async () => 'second');
    const error = await limiter.run('b', async () => 'third').catch((caught: unknown) => caught);
    expect(StewardError.isInstance(error) && error.code).toBe('queue-full');
    expect(StewardError.isInstance(error) && error.status).toBe(503);
    blocker.finish();
    await first;
    expect(await second).toBe('second');
  });

  it('drops a waiting run whose signal aborts, and rejects it with aborted', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1 });
    const blocker = deferred();
    const first = limiter.run('a', () => blocker.promise);
    const controller = new AbortController();
    let started = false;
    const waiting = limiter.run(
      'b',
      async () => {
        started = true;
      },
      { signal: controller.signal },
    );
    await flush();
    expect(limiter.stats.queued).toBe(1);
    controller.abort();
    const error = await waiting.catch((caught: unknown) => caught);
    expect(StewardError.isInstance(error) && error.code).toBe('aborted');
    expect(limiter.stats.queued).toBe(0);
    blocker.finish();
    await first;
    expect(started).toBe(false);
    expect(limiter.stats.running).toBe(0);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1 });
    const error = await limiter
      .run('a', async () => 1, { signal: AbortSignal.abort() })
      .catch((caught: unknown) => caught);
    expect(StewardError.isInstance(error) && error.code).toBe('aborted');
  });

  it('reports each run’s wait for a slot, measured with the injected clock', async () => {
    let now = 1_000;
    const waits: number[] = [];
    const limiter = new ConcurrencyLimiter({
      limit: 1,
      now: () => now,
      onWait: (waitMs) => waits.push(waitMs),
    });
    const blocker = deferred();
    const first = limiter.run('a', (waitMs) => blocker.promise.then(() => waitMs));
    const second = limiter.run('b', async (waitMs) => waitMs);
    await flush();
    now += 250;
    blocker.finish();
    expect(await first).toBe(0);
    expect(await second).toBe(250);
    expect(waits).toEqual([0, 250]);
  });

  it('releases the slot when a task throws', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1 });
    await expect(
      limiter.run('a', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await limiter.run('a', async () => 'next')).toBe('next');
    expect(limiter.stats.running).toBe(0);
  });

  it('admits a queued run only once it holds a slot, before its task starts', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1 });
    const blocker = deferred();
    const order: string[] = [];
    const first = limiter.run('a', () => blocker.promise, {
      admit: async () => {
        order.push('admit first');
      },
    });
    const second = limiter.run(
      'b',
      async () => {
        order.push('task second');
      },
      {
        admit: async () => {
          order.push(`admit second (running ${limiter.stats.running})`);
        },
      },
    );
    await flush();
    // The second run is queued and has not been admitted: it holds nothing while it waits.
    expect(order).toEqual(['admit first']);
    blocker.finish();
    await Promise.all([first, second]);
    expect(order).toEqual(['admit first', 'admit second (running 1)', 'task second']);
  });

  it('ends a run whose admit throws with that error, never starts its task, and frees the slot', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1 });
    const refusal = new StewardError('budget-exceeded', 'the day is spent');
    let started = false;
    const error = await limiter
      .run(
        'a',
        async () => {
          started = true;
        },
        {
          admit: async () => {
            throw refusal;
          },
        },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBe(refusal);
    expect(started).toBe(false);
    expect(limiter.stats).toEqual({ running: 0, queued: 0, limit: 1 });
    expect(await limiter.run('a', async () => 'next')).toBe('next');
  });

  it('rejects a limit that is not a positive integer', () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      expect(() => new ConcurrencyLimiter({ limit })).toThrow(/concurrency limit must be an integer >= 1/);
    }
  });
});
