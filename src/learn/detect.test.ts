import { describe, expect, it } from 'vitest';
import { splitExamples } from './detect.js';

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
