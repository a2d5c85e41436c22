import { describe, expect, it } from 'vitest';
import {
  type CalibrationRow,
  calibrateThresholds,
  DEFAULT_THRESHOLDS,
  memoizeEmbedder,
  recommendThreshold,
} from './calibration.js';
import { createHashingEmbedder } from './embedders/hashing/hashing-embedder.js';

const warm = [
  { text: 'cancel my order', label: 'cancel_order' },
  { text: 'what time do you open', label: 'opening_hours' },
  { text: 'refund $500 to my card', label: 'refund' },
  { text: 'where is my parcel', label: 'delivery' },
];

describe('calibrateThresholds', () => {
  it('counts hits and wrong answers per threshold, with and without guards', async () => {
    const report = await calibrateThresholds({
      embedder: createHashingEmbedder(),
      warm,
      queries: [
        { text: 'Cancel my order!', label: 'cancel_order' }, // exact after normalisation
        { text: "don't cancel my order", label: 'keep_order' }, // near duplicate, other intent: negation guard
        { text: 'refund $50 to my card', label: 'small_refund' }, // near duplicate, other intent: amounts guard
        { text: 'what time do you usually open', label: 'opening_hours' },
        { text: 'completely unrelated words here', label: 'other' },
      ],
      thresholds: [0.5, 0.9],
    });
    expect(report).toMatchObject({
      embedderId: 'hashing-v1',
      dimensions: 512,
      warmCount: 4,
      queryCount: 5,
      exactHits: 1,
    });
    expect(report.rows).toHaveLength(4);
    const row = (threshold: number, guarded: boolean) =>
      report.rows.find((candidate) => candidate.threshold === threshold && candidate.guarded === guarded)!;
    // Unguarded at 0.5: the two near duplicates are served the wrong answer.
    expect(row(0.5, false)).toMatchObject({ hits: 4, wrong: 2 });
    expect(row(0.5, false).wrongRate).toBeCloseTo(2 / 5);
    expect(row(0.5, false).wrongShareOfHits).toBeCloseTo(2 / 4);
    // The guards turn both into misses.
    expect(row(0.5, true)).toMatchObject({ hits: 2, wrong: 0 });
    expect(report.guardRejections).toEqual({
      negation: { rejected: 1, wouldBeWrong: 1 },
      amounts: { rejected: 1, wouldBeWrong: 1 },
    });
    expect(row(0.9, true).hits).toBeLessThanOrEqual(row(0.5, true).hits);
    expect(report.recommended.guarded).toBe(0.5);
    // Without guards only the stricter threshold keeps wrong answers within 1%.
    expect(report.recommended.unguarded).toBe(0.9);
    expect(report.nearestAccuracy).toBeCloseTo(2 / 5);
  });

  it('evaluates 0.80 … 0.99 by default', () => {
    expect(DEFAULT_THRESHOLDS).toHaveLength(20);
    expect(DEFAULT_THRESHOLDS[0]).toBe(0.8);
    expect(DEFAULT_THRESHOLDS.at(-1)).toBe(0.99);
  });
});

describe('recommendThreshold', () => {
  const rows = (wrongRates: Array<[number, number]>): CalibrationRow[] =>
    wrongRates.map(([threshold, wrongRate]) => ({
      threshold,
      guarded: true,
      hits: 0,
      wrong: 0,
      hitRate: 0,
      wrongRate,
      wrongShareOfHits: 0,
    }));

  it('picks the lowest threshold whose wrong rate, and every higher one’s, is within the bound', () => {
    expect(
      recommendThreshold(
        rows([
          [0.8, 0.03],
          [0.85, 0.01],
          [0.9, 0.004],
          [0.95, 0.001],
        ]),
        true,
      ),
    ).toBe(0.85);
    // A dip below the bound under a higher threshold that breaks it does not count.
    expect(
      recommendThreshold(
        rows([
          [0.8, 0.005],
          [0.85, 0.02],
          [0.9, 0.004],
        ]),
        true,
      ),
    ).toBe(0.9);
    expect(recommendThreshold(rows([[0.9, 0.05]]), true)).toBeNull();
    expect(recommendThreshold(rows([[0.9, 0.05]]), false)).toBeNull();
  });
});

describe('memoizeEmbedder', () => {
  it('embeds each distinct text once, and stops after its time budget', async () => {
    const seen: string[] = [];
    const inner = createHashingEmbedder();
    const counting = {
      id: inner.id,
      dimensions: inner.dimensions,
      embed: async (texts: string[]) => {
        seen.push(...texts);
        return inner.embed(texts);
      },
    };
    const memoized = memoizeEmbedder(counting);
    expect(memoized.id).toBe('hashing-v1');
    const [first] = await memoized.embed(['a', 'b', 'a']);
    const [again] = await memoized.embed(['a']);
    expect(seen).toEqual(['a', 'b']);
    expect(again).toBe(first);
    const spent = memoizeEmbedder(counting, { maxMs: 0 });
    await spent.embed(['c']);
    await expect(spent.embed(['d'])).rejects.toThrow(/budget/);
  });
});
