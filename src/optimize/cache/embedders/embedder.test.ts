import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotProduct, l2Normalize } from './embedder.js';

describe('l2Normalize', () => {
  it('scales to unit length in place', () => {
    const vector = Float32Array.of(3, 4);
    expect(l2Normalize(vector)).toBe(vector);
    expect([...vector]).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
  });

  it('leaves the zero vector alone', () => {
    expect([...l2Normalize(new Float32Array(3))]).toEqual([0, 0, 0]);
  });

  it('gives unit vectors whose dot product is the cosine similarity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 16 }),
        (values) => {
          fc.pre(values.some((value) => Math.abs(value) > 1e-3));
          const vector = l2Normalize(Float32Array.from(values));
          expect(dotProduct(vector, vector)).toBeCloseTo(1, 4);
        },
      ),
    );
  });
});
