import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDotProductKernel, scoresModuleBytes, simdAvailable } from './dot-product-kernel.js';

function naiveScores(rows: Float32Array[], query: Float32Array): number[] {
  return rows.map((row) => row.reduce((sum, value, index) => sum + value * query[index]!, 0));
}

const vectorArbitrary = (dimensions: number) =>
  fc
    .array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: dimensions, maxLength: dimensions })
    .map((values) => Float32Array.from(values));

describe('dot-product kernels', () => {
  it('the WebAssembly module is valid and SIMD runs on this platform (Node 20, x64/arm64)', () => {
    expect(scoresModuleBytes().length).toBeLessThan(400);
    expect(simdAvailable()).toBe(true);
    expect(createDotProductKernel(8).accelerated).toBe(true);
    expect(createDotProductKernel(8, { accelerate: false }).accelerated).toBe(false);
  });

  for (const accelerate of [true, false]) {
    describe(accelerate ? 'WebAssembly SIMD' : 'JavaScript', () => {
      it('scores every row like the naive loop, for any dimension (padding stays zero)', () => {
        fc.assert(
          fc.property(
            fc
              .integer({ min: 1, max: 37 })
              .chain((dimensions) =>
                fc.tuple(
                  fc.array(vectorArbitrary(dimensions), { minLength: 0, maxLength: 9 }),
                  vectorArbitrary(dimensions),
                ),
              ),
            ([rows, query]) => {
              const kernel = createDotProductKernel(query.length, { accelerate, initialCapacity: 2 });
              kernel.ensureCapacity(rows.length);
              rows.forEach((row, index) => {
                kernel.writeRow(index, row);
              });
              const scores = [...kernel.scores(query, rows.length)];
              const expected = naiveScores(rows, query);
              expect(scores).toHaveLength(rows.length);
              scores.forEach((score, index) => {
                expect(score).toBeCloseTo(expected[index]!, 4);
              });
            },
          ),
          { numRuns: 60 },
        );
      });

      it('keeps rows when it grows, and copies rows', () => {
        const kernel = createDotProductKernel(3, { accelerate, initialCapacity: 1 });
        kernel.writeRow(0, Float32Array.of(1, 2, 3));
        kernel.ensureCapacity(1000);
        expect(kernel.capacity).toBeGreaterThanOrEqual(1000);
        kernel.writeRow(999, Float32Array.of(4, 5, 6));
        expect([...kernel.readRow(0, 3)]).toEqual([1, 2, 3]);
        kernel.copyRow(999, 0);
        expect([...kernel.readRow(0, 3)]).toEqual([4, 5, 6]);
        expect(kernel.byteLength).toBeGreaterThanOrEqual(1000 * kernel.stride * 4);
        expect([...kernel.scores(Float32Array.of(1, 0, 0), 1)]).toEqual([4]);
      });
    });
  }
});
