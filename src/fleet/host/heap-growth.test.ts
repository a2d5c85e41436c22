import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../errors/index.js';
import { applyHeapGrowth, DEFAULT_HEAP_GROWING_PERCENT } from './heap-growth.js';

/** Runs the churning child with this environment and returns what it printed. */
function churn(env: Record<string, string>): {
  growth: { percent: number; source: string };
  peakHeapMb: number;
} {
  const output = execFileSync(process.execPath, ['--import', 'tsx', 'test/support/heap-churn-child.ts'], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

describe('applyHeapGrowth', () => {
  it('keeps a --heap-growing-percent given to Node, from its command line or NODE_OPTIONS', () => {
    expect(applyHeapGrowth({}, ['--heap-growing-percent=40'])).toEqual({ percent: 40, source: 'node flags' });
    expect(applyHeapGrowth({}, ['--heap-growing-percent', '15'])).toEqual({
      percent: 15,
      source: 'node flags',
    });
    expect(
      applyHeapGrowth({ NODE_OPTIONS: '--heap_growing_percent=10', STEWARD_HEAP_GROWING_PERCENT: '30' }, []),
    ).toEqual({
      percent: 10,
      source: 'node flags',
    });
  });

  it('refuses a STEWARD_HEAP_GROWING_PERCENT that is not a whole number, naming the variable', () => {
    for (const raw of ['lots', '-5', '2.5', '5000']) {
      let caught: unknown;
      try {
        applyHeapGrowth({ STEWARD_HEAP_GROWING_PERCENT: raw }, []);
      } catch (error) {
        caught = error;
      }
      expect(InvalidConfigError.isInstance(caught)).toBe(true);
      expect((caught as Error).message).toContain('STEWARD_HEAP_GROWING_PERCENT');
    }
  });

  it('bounds the heap of a process churning agents through an LRU far below V8 left to itself', () => {
    const bounded = churn({});
    expect(bounded.growth).toEqual({ percent: DEFAULT_HEAP_GROWING_PERCENT, source: 'default' });
    const unbounded = churn({ STEWARD_HEAP_GROWING_PERCENT: '0' });
    expect(unbounded.growth).toEqual({ percent: 0, source: 'STEWARD_HEAP_GROWING_PERCENT' });
    expect(bounded.peakHeapMb).toBeLessThan(unbounded.peakHeapMb * 0.7);
  }, 120_000);
});
