import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StewardError } from '../../errors/index.js';
import { l2Normalize } from './embedders/embedder.js';
import { SemanticIndex } from './semantic-index.js';

const unit = (...values: number[]) => l2Normalize(Float32Array.from(values));

describe('SemanticIndex', () => {
  it('finds the nearest entries by cosine similarity, most similar first', () => {
    const index = new SemanticIndex({ dimensions: 3 });
    index.add('x', unit(1, 0, 0));
    index.add('xy', unit(1, 1, 0));
    index.add('z', unit(0, 0, 1));
    const matches = index.search(unit(1, 0.1, 0), 2);
    expect(matches.map((match) => match.id)).toEqual(['x', 'xy']);
    expect(matches[0]!.similarity).toBeCloseTo(0.995, 3);
    expect(index.search(unit(0, 0, 1), 5, 0.9)).toEqual([{ id: 'z', similarity: expect.closeTo(1, 5) }]);
    expect(index.search(unit(1, 0, 0), 0)).toEqual([]);
  });

  it('replaces an entry added again under the same id', () => {
    const index = new SemanticIndex({ dimensions: 2 });
    index.add('a', unit(1, 0));
    index.add('a', unit(0, 1));
    expect(index.size).toBe(1);
    expect(index.search(unit(0, 1), 1)[0]!.similarity).toBeCloseTo(1, 5);
  });

  it('removes entries by id, keeping the others findable', () => {
    const index = new SemanticIndex({ dimensions: 2, initialCapacity: 1 });
    for (let position = 0; position < 10; position++) index.add(`e${position}`, unit(1, position));
    expect(index.remove('e3')).toBe(true);
    expect(index.remove('e3')).toBe(false);
    expect(index.has('e3')).toBe(false);
    expect(index.size).toBe(9);
    expect(index.search(unit(1, 9), 1)[0]!.id).toBe('e9');
    expect([...index.vectorOf('e9')!]).toEqual([...unit(1, 9)]);
    expect(index.vectorOf('e3')).toBeUndefined();
    index.clear();
    expect(index.size).toBe(0);
    expect(index.search(unit(1, 0), 3)).toEqual([]);
  });

  it('skips expired entries in search and drops them on expire (fake clock)', () => {
    let now = 1_000;
    const index = new SemanticIndex({ dimensions: 2, now: () => now });
    index.add('short', unit(1, 0), 2_000);
    index.add('long', unit(1, 0.2), 10_000);
    index.add('forever', unit(1, 0.4));
    expect(index.search(unit(1, 0), 1)[0]!.id).toBe('short');
    now = 2_000;
    expect(index.search(unit(1, 0), 1)[0]!.id).toBe('long');
    expect(index.size).toBe(3);
    expect(index.expire()).toBe(1);
    expect(index.size).toBe(2);
    expect(index.expire(20_000)).toBe(1);
    expect(index.search(unit(1, 0), 3).map((match) => match.id)).toEqual(['forever']);
  });

  it('reserves room for the entries it holds, not 64 vectors up front (a live agent with one observation)', () => {
    // 512 dimensions, the hashing embedder's: 64 reserved rows were 128 KiB per pattern index, so
    // 1,000 live agents each with a fresh observation held ~165 MB of vectors they did not have.
    const vector = l2Normalize(Float32Array.from({ length: 512 }, (_, position) => position % 7));
    const index = new SemanticIndex({ dimensions: 512 });
    index.add('only', vector);
    expect(index.byteSize).toBeLessThan(4 * 512 * 4);
    for (let position = 0; position < 100; position++) index.add(`e${position}`, vector);
    expect(index.size).toBe(101);
    expect(index.search(vector, 1)[0]!.similarity).toBeCloseTo(1, 5);
    // Doubling as it fills: never more than twice the rows held.
    expect(index.byteSize).toBeLessThan(2 * 101 * 512 * 4 + 101 * 200);
  });

  it('rejects vectors of another length with a StewardError that says how to fix it', () => {
    const index = new SemanticIndex({ dimensions: 3 });
    expect(() => index.add('a', unit(1, 0))).toThrow(StewardError);
    expect(() => index.search(unit(1, 0), 1)).toThrow(/same embedder/);
    expect(() => new SemanticIndex({ dimensions: 0 })).toThrow(/positive integer/);
  });

  it('scores small indexes in JavaScript and moves to SIMD as it grows, keeping every entry', () => {
    const index = new SemanticIndex({ dimensions: 4, initialCapacity: 2, accelerateFrom: 8 });
    for (let position = 0; position < 7; position++) index.add(`e${position}`, unit(1, position, 0, 0));
    expect(index.accelerated).toBe(false);
    index.add('e7', unit(1, 7, 0, 0));
    expect(index.accelerated).toBe(true);
    for (let position = 0; position < 8; position++) {
      expect(index.search(unit(1, position, 0, 0), 1)[0]).toEqual({
        id: `e${position}`,
        similarity: expect.closeTo(1, 5),
      });
    }
    expect(new SemanticIndex({ dimensions: 4, initialCapacity: 1000 }).accelerated).toBe(true);
    expect(new SemanticIndex({ dimensions: 4, initialCapacity: 1000, accelerate: false }).accelerated).toBe(
      false,
    );
  });

  it('grows its byte size with its entries', () => {
    const index = new SemanticIndex({ dimensions: 512, initialCapacity: 1 });
    const empty = index.byteSize;
    for (let position = 0; position < 100; position++) {
      const vector = new Float32Array(512);
      vector[position] = 1;
      index.add(`entry-${position}`, vector);
    }
    expect(index.byteSize).toBeGreaterThan(empty + 100 * 512 * 4);
  });

  for (const accelerate of [true, false]) {
    it(`agrees with a brute-force search after any sequence of adds and removes (${accelerate ? 'SIMD' : 'JavaScript'})`, () => {
      const vector = fc
        .array(fc.integer({ min: -5, max: 5 }), { minLength: 6, maxLength: 6 })
        .filter((values) => values.some((value) => value !== 0))
        .map((values) => unit(...values));
      const operation = fc.oneof(
        fc.record({ kind: fc.constant('add' as const), id: fc.integer({ min: 0, max: 15 }), vector }),
        fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 15 }) }),
      );
      fc.assert(
        fc.property(
          fc.array(operation, { maxLength: 40 }),
          vector,
          fc.integer({ min: 1, max: 5 }),
          (operations, query, k) => {
            const index = new SemanticIndex({
              dimensions: 6,
              initialCapacity: 1,
              accelerate,
              accelerateFrom: 3,
            });
            const model = new Map<string, Float32Array>();
            for (const step of operations) {
              if (step.kind === 'add') {
                index.add(String(step.id), step.vector);
                model.set(String(step.id), step.vector);
              } else {
                expect(index.remove(String(step.id))).toBe(model.delete(String(step.id)));
              }
            }
            expect(index.size).toBe(model.size);
            const expected = [...model.entries()]
              .map(([id, stored]) => ({
                id,
                similarity: stored.reduce((sum, value, at) => sum + value * query[at]!, 0),
              }))
              .sort((left, right) => right.similarity - left.similarity)
              .slice(0, k);
            const actual = index.search(query, k);
            expect(actual.map((match) => match.similarity)).toEqual(
              expected.map((match) => expect.closeTo(match.similarity, 5)),
            );
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});
