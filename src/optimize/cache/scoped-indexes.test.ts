import { describe, expect, it } from 'vitest';
import { l2Normalize } from './embedders/embedder.js';
import type { CacheScope } from './normalize.js';
import { type IndexedEntry, ScopedIndexes } from './scoped-indexes.js';

const unit = (...values: number[]) => l2Normalize(Float32Array.from(values));
const scope = (tenantId: string, agentId = 'front-desk', shapeHash = 'shape-1'): CacheScope => ({
  tenantId,
  agentId,
  shapeHash,
});

/** A stand-in for the store: entries per scope, and a log of loads. */
function fakeStore(entries: Record<string, IndexedEntry[]>) {
  const loads: string[] = [];
  const load = async (target: CacheScope) => {
    loads.push(`${target.tenantId}/${target.agentId}/${target.shapeHash}`);
    return entries[`${target.tenantId}/${target.agentId}/${target.shapeHash}`] ?? [];
  };
  return { loads, load };
}

describe('ScopedIndexes', () => {
  it('loads each scope once, lazily, and shares a load between concurrent callers', async () => {
    const store = fakeStore({ 'bakery/front-desk/shape-1': [{ id: 'open', vector: unit(1, 0) }] });
    const indexes = new ScopedIndexes({ dimensions: 2, load: store.load });
    expect(store.loads).toEqual([]);
    const [first, second] = await Promise.all([indexes.get(scope('bakery')), indexes.get(scope('bakery'))]);
    expect(first).toBe(second);
    await indexes.search(scope('bakery'), unit(1, 0));
    expect(store.loads).toEqual(['bakery/front-desk/shape-1']);
    expect(indexes.scopeCount).toBe(1);
  });

  it('never returns another tenant’s, agent’s or shape’s entries, even under the same id', async () => {
    const store = fakeStore({
      'bakery/front-desk/shape-1': [{ id: 'entry-1', vector: unit(1, 0) }],
      'florist/front-desk/shape-1': [{ id: 'entry-1', vector: unit(0, 1) }],
    });
    const indexes = new ScopedIndexes({ dimensions: 2, load: store.load });
    expect(await indexes.search(scope('bakery'), unit(0, 1), 5, 0.5)).toEqual([]);
    expect(await indexes.search(scope('florist'), unit(0, 1), 5, 0.5)).toEqual([
      { id: 'entry-1', similarity: expect.closeTo(1, 5) },
    ]);
    expect(await indexes.search(scope('bakery', 'billing'), unit(1, 0))).toEqual([]);
    expect(await indexes.search(scope('bakery', 'front-desk', 'shape-2'), unit(1, 0))).toEqual([]);
    await indexes.add(scope('florist'), { id: 'entry-2', vector: unit(1, 0) });
    expect(await indexes.search(scope('bakery'), unit(1, 0), 5)).toEqual([
      { id: 'entry-1', similarity: expect.closeTo(1, 5) },
    ]);
  });

  it('evicts whole scopes, least recently used first, to stay within maxBytes', async () => {
    const entries = (count: number) =>
      Array.from({ length: count }, (_, position) => ({
        id: `e${position}`,
        vector: unit(1, position, 0, 0),
      }));
    const store = fakeStore({
      'a/front-desk/shape-1': entries(200),
      'b/front-desk/shape-1': entries(200),
      'c/front-desk/shape-1': entries(200),
    });
    const probe = new ScopedIndexes({ dimensions: 4, load: store.load });
    await probe.get(scope('a'));
    const oneScope = probe.totalBytes;
    const indexes = new ScopedIndexes({ dimensions: 4, load: store.load, maxBytes: oneScope * 2.5 });
    await indexes.get(scope('a'));
    await indexes.get(scope('b'));
    await indexes.get(scope('a')); // a is now more recent than b
    await indexes.get(scope('c'));
    expect(indexes.peek(scope('a'))).toBeDefined();
    expect(indexes.peek(scope('b'))).toBeUndefined();
    expect(indexes.peek(scope('c'))).toBeDefined();
    expect(indexes.totalBytes).toBeLessThanOrEqual(oneScope * 2.5);
    await indexes.get(scope('b'));
    expect(store.loads.filter((loaded) => loaded.startsWith('b/'))).toHaveLength(2);
  });

  it('keeps a single scope larger than the bound loaded on its own', async () => {
    const store = fakeStore({
      'big/front-desk/shape-1': [{ id: 'e', vector: unit(1, 0) }],
      'small/front-desk/shape-1': [],
    });
    const indexes = new ScopedIndexes({ dimensions: 2, load: store.load, maxBytes: 1 });
    await indexes.get(scope('small'));
    await indexes.get(scope('big'));
    expect(indexes.scopeCount).toBe(1);
    expect((await indexes.search(scope('big'), unit(1, 0)))[0]!.id).toBe('e');
  });

  it('invalidates by tenant, agent or shape; the next use reloads from the store', async () => {
    const store = fakeStore({});
    const indexes = new ScopedIndexes({ dimensions: 2, load: store.load });
    await indexes.get(scope('bakery', 'front-desk', 'shape-1'));
    await indexes.get(scope('bakery', 'front-desk', 'shape-2'));
    await indexes.get(scope('bakery', 'billing', 'shape-1'));
    await indexes.get(scope('florist', 'front-desk', 'shape-1'));
    expect(indexes.invalidate({ tenantId: 'bakery', agentId: 'front-desk', shapeHash: 'shape-2' })).toBe(1);
    expect(indexes.invalidate({ tenantId: 'bakery', agentId: 'front-desk' })).toBe(1);
    expect(indexes.invalidate({ tenantId: 'bakery' })).toBe(1);
    expect(indexes.scopeCount).toBe(1);
    expect(indexes.peek(scope('florist'))).toBeDefined();
    indexes.clear();
    expect(indexes.scopeCount).toBe(0);
  });

  it('does not keep a load that was invalidated while in flight', async () => {
    let release: (entries: IndexedEntry[]) => void = () => {};
    const indexes = new ScopedIndexes({
      dimensions: 2,
      load: () => new Promise<IndexedEntry[]>((resolve) => (release = resolve)),
    });
    const pending = indexes.get(scope('bakery'));
    indexes.invalidate({ tenantId: 'bakery' });
    release([{ id: 'stale', vector: unit(1, 0) }]);
    await pending;
    expect(indexes.peek(scope('bakery'))).toBeUndefined();
  });

  it('does not cache a failed load, and accepts async iterables', async () => {
    let attempts = 0;
    const indexes = new ScopedIndexes({
      dimensions: 2,
      load: async () => {
        attempts++;
        if (attempts === 1) throw new Error('store down');
        return (async function* () {
          yield { id: 'a', vector: unit(1, 0), expiresAt: Number.POSITIVE_INFINITY };
        })();
      },
    });
    await expect(indexes.get(scope('bakery'))).rejects.toThrow('store down');
    expect((await indexes.search(scope('bakery'), unit(1, 0)))[0]!.id).toBe('a');
    expect(attempts).toBe(2);
  });

  it('removes entries only from loaded scopes, and honours expiry with the injected clock', async () => {
    let now = 0;
    const store = fakeStore({
      'bakery/front-desk/shape-1': [{ id: 'a', vector: unit(1, 0), expiresAt: 100 }],
    });
    const indexes = new ScopedIndexes({ dimensions: 2, load: store.load, now: () => now });
    expect(indexes.remove(scope('bakery'), 'a')).toBe(false);
    expect(await indexes.search(scope('bakery'), unit(1, 0))).toHaveLength(1);
    now = 100;
    expect(await indexes.search(scope('bakery'), unit(1, 0))).toEqual([]);
    expect(indexes.remove(scope('bakery'), 'a')).toBe(true);
  });

  it('rejects a missing loader or a non-positive bound', () => {
    expect(() => new ScopedIndexes({ dimensions: 2, load: undefined as never })).toThrow(/load/);
    expect(() => new ScopedIndexes({ dimensions: 2, load: async () => [], maxBytes: 0 })).toThrow(/maxBytes/);
  });
});
