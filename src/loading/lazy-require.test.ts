import { describe, expect, it } from 'vitest';
import { lazyRequire } from './lazy-require.js';

describe('lazyRequire', () => {
  it('loads nothing until first called, then returns the same module', () => {
    const resolved = require.resolve('planer');
    delete require.cache[resolved];
    const planer = lazyRequire<{ extractFrom: (text: string, type: string) => string }>('planer');
    expect(require.cache[resolved]).toBeUndefined();
    const first = planer();
    expect(require.cache[resolved]).toBeDefined();
    expect(planer()).toBe(first);
    expect(first.extractFrom('Yes.\n\nOn Mon, Bob wrote:\n> hi', 'text/plain')).toBe('Yes.');
  });

  it('throws the loader error for a missing package when called, not when declared', () => {
    const missing = lazyRequire('steward-no-such-package');
    expect(() => missing()).toThrow(/Cannot find module/);
  });
});
