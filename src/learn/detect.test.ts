import { describe, expect, it } from 'vitest';
import { scoreClusters, splitExamples } from './detect.js';

const examples = Array.from({ length: 12 }, (_, index) => ({
  request: `what time do you open on day ${index}`,
  reply: 'We are open 9 to 5.',
}));

describe('splitExamples', () => {
  it('holds out a third, the same members whatever order the observations arrived in', () => {
    const split = splitExamples(examples);
    expect(split.heldOut).toHaveLength(4);
    expect(split.training).toHaveLength(8);
    const sortedRequests = (list: typeof examples) => list.map((example) => example.request).sort();
    for (const order of [[...examples].reverse(), [...examples.slice(5), ...examples.slice(0, 5)]]) {
      const again = splitExamples(order);
      expect(sortedRequests(again.heldOut)).toEqual(sortedRequests(split.heldOut));
      expect(sortedRequests(again.training)).toEqual(sortedRequests(split.training));
    }
  });

  it('holds out one of two, and none of one', () => {
    expect(splitExamples(examples.slice(0, 2)).heldOut).toHaveLength(1);
    expect(splitExamples(examples.slice(0, 1))).toMatchObject({ heldOut: [], training: [examples[0]] });
  });
});

describe('scoreClusters', () => {
  const observation = (id: string, answerKey: string, request: string, vector: number[]) => ({
    id,
    scopeKey: 'scope',
    answerKey,
    request,
    vector: Float32Array.from(vector),
    createdAt: 0,
  });

  it('is confident in a cluster whose requests always got its answer, however close its neighbours lie in the embedding', () => {
    // Two kinds of request the embedding cannot tell apart (the same vectors): a nearest-centre rule is
    // right half the time, but every request got one answer each time it was seen.
    const observations = Array.from({ length: 20 }, (_, index) =>
      observation(`o${index}`, index % 2 === 0 ? 'arrival' : 'linking', `request number ${index}`, [
        1,
        (index % 5) / 10,
      ]),
    );
    const scored = scoreClusters(observations);
    for (const cluster of scored) {
      expect(cluster.confidence).toBe(1);
      expect(cluster.consistency).toBe(1);
      expect(cluster.separation).toBeLessThan(0.95);
    }
  });

  it('loses confidence for each member whose request was answered differently on another occasion', () => {
    const observations = [
      ...Array.from({ length: 10 }, (_, index) =>
        observation(`a${index}`, 'hours', `when do you open ${index}`, [1, 0]),
      ),
      observation('b0', 'other', 'When do you open 3?', [0, 1]),
      observation('b1', 'other', 'something else', [0, 1]),
    ];
    const hours = scoreClusters(observations).find((cluster) => cluster.answerKey === 'hours')!;
    expect(hours.confidence).toBeCloseTo(0.9, 6);
  });
});
