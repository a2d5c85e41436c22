import { describe, expect, it } from 'vitest';
import {
  softmaxEpochs,
  softmaxProbabilities,
  trainSoftmax,
  trainSoftmaxYielding,
  Vocabulary,
} from './softmax.js';
import { textFeatures, textWords } from './text-features.js';

const kinds = [
  ['when do you open', 'what are your opening hours', 'opening times please', 'are you open today'],
  ['where is my refund', 'refund not arrived', 'how long do refunds take', 'I want my refund'],
];

function fitKinds(train: typeof trainSoftmax) {
  const vocabulary = new Vocabulary();
  const documents = kinds.flatMap((texts) => texts.map((text) => vocabulary.encode(textFeatures(text))));
  const labels = kinds.flatMap((texts, label) => texts.map(() => label));
  return {
    vocabulary,
    model: train(documents, labels, { classes: 2, terms: vocabulary.size }, { epochs: 30, rate: 1, seed: 7 }),
  };
}

describe('textFeatures', () => {
  it('reads lower-cased words without punctuation, cut to a rough stem, and neighbouring pairs, at unit length', () => {
    const features = textFeatures("Refunds: I've been CHARGED twice");
    expect(features.map(([term]) => term)).toEqual([
      'w:refund',
      'b:refund ive',
      'w:ive',
      'b:ive been',
      'w:been',
      'b:been charg',
      'w:charg',
      'b:charg twice',
      'w:twice',
    ]);
    expect(features.reduce((total, [, weight]) => total + weight * weight, 0)).toBeCloseTo(1, 6);
    expect(textFeatures('  ?! ')).toEqual([]);
    expect(textWords('opening opening hours')).toEqual(['open', 'hour']);
  });
});

describe('trainSoftmax', () => {
  it('tells two kinds of request apart, on requests it has not seen', () => {
    const { vocabulary, model } = fitKinds(trainSoftmax);
    const probability = (text: string) => softmaxProbabilities(model, vocabulary.encode(textFeatures(text)));
    expect(probability('when are you open on monday')[0]).toBeGreaterThan(0.7);
    expect(probability('my refund has not arrived')[1]).toBeGreaterThan(0.7);
  });

  it('gives the same model for the same documents, and the same when it yields between steps', async () => {
    const once = fitKinds(trainSoftmax).model;
    expect(fitKinds(trainSoftmax).model.weights).toEqual(once.weights);
    const vocabulary = new Vocabulary();
    const documents = kinds.flatMap((texts) => texts.map((text) => vocabulary.encode(textFeatures(text))));
    const labels = kinds.flatMap((texts, label) => texts.map(() => label));
    const yielded = await trainSoftmaxYielding(
      documents,
      labels,
      { classes: 2, terms: vocabulary.size },
      { epochs: 30, rate: 1, seed: 7 },
    );
    expect(yielded.weights).toEqual(once.weights);
    expect(yielded.bias).toEqual(once.bias);
  });

  it('yields within an epoch over many documents, and trains the same as without yielding', async () => {
    const vocabulary = new Vocabulary();
    const texts = Array.from({ length: 80 }, (_, round) =>
      kinds.map((list) => list.map((text) => `${text} ${round}`)),
    );
    const documents = texts.flatMap((round) =>
      round.flat().map((text) => vocabulary.encode(textFeatures(text))),
    );
    const labels = texts.flatMap((round) => round.flatMap((list, label) => list.map(() => label)));
    const shape = { classes: 2, terms: vocabulary.size };
    const options = { epochs: 2, rate: 0.5, seed: 3 };
    let steps = 0;
    const epochs = softmaxEpochs(documents, labels, shape, options);
    while (!epochs.next().done) steps += 1;
    expect(documents.length).toBe(640);
    expect(steps).toBe(2 * Math.ceil(640 / 256));
    const yielded = await trainSoftmaxYielding(documents, labels, shape, options);
    expect(yielded.weights).toEqual(trainSoftmax(documents, labels, shape, options).weights);
  });
});
