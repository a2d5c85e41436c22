import { describe, expect, it } from 'vitest';
import { type Observation, scoreClusters, validationFold } from './detect.js';

const observationOf = (id: string, answerKey: string, request: string): Observation => ({
  id,
  scopeKey: 'scope',
  answerKey,
  request,
  vector: Float32Array.from([1, 0]),
  createdAt: 0,
});

describe('validationFold', () => {
  const observations = [
    ...Array.from({ length: 12 }, (_, index) =>
      observationOf(`h${index}`, 'hours', `what time do you open on day ${index}`),
    ),
    ...Array.from({ length: 7 }, (_, index) =>
      observationOf(`r${index}`, 'refund', `where is my refund number ${index}`),
    ),
  ];
  const masked = (observation: Observation) => observation.request;

  it('keeps every third request of each answer for validation, the same ones whatever order they arrived in', () => {
    const { validation } = validationFold(observations, masked);
    expect([...validation].filter((id) => id.startsWith('h'))).toHaveLength(4);
    expect([...validation].filter((id) => id.startsWith('r'))).toHaveLength(2);
    for (const order of [
      [...observations].reverse(),
      [...observations.slice(5), ...observations.slice(0, 5)],
    ]) {
      expect([...validationFold(order, masked).validation].sort()).toEqual([...validation].sort());
    }
  });

  it('keeps none of an answer seen once or twice', () => {
    expect(validationFold(observations.slice(0, 2), masked).validation.size).toBe(0);
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
