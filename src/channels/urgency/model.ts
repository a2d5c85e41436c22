/**
 * The learned half of the urgency scorer: a multinomial logistic regression over a message's words, word pairs
 * and the hand-written rules that fired (each rule is a feature whose weight was learned, so the model learns how
 * far to trust it). Trained by `trainUrgencyModel` on hand-labelled messages; the weights the scorer ships with
 * are in `weights.ts`, written by `__support__/train-weights.ts` from the labelled sets in `__fixtures__/`.
 */
import type { UrgencyLevel } from './urgency-levels.js';
import { urgencyLevels } from './urgency-levels.js';

/** Weights per feature, one per level in `urgencyLevels` order, and a bias per level. */
export interface UrgencyModel {
  bias: readonly number[];
  weights: Readonly<Record<string, readonly number[]>>;
}

/** The model's view of a message: its words, its word pairs, the rules that fired. */
export function featuresOf(normalized: string, ruleNames: readonly string[]): string[] {
  const words = (normalized.match(/[a-z][a-z']*|\d+/g) ?? []).map((word) =>
    /^\d/.test(word) ? '<n>' : word.replace(/'/g, ''),
  );
  const features = new Set<string>();
  for (const [index, word] of words.entries()) {
    features.add(word);
    const next = words[index + 1];
    if (next !== undefined) features.add(`${word} ${next}`);
  }
  for (const name of ruleNames) features.add(`rule: ${name}`);
  return [...features];
}

/** Words too common to explain a level, left out of `strongest`. */
const commonWords = new Set(
  'a an the i im me my we our you your it its is are was were be been am to of in on at for and or but so if this that there it s not no do did can just have has had with from up out as by'.split(
    ' ',
  ),
);

export interface Classified {
  /** Probability per level, in `urgencyLevels` order. */
  probabilities: number[];
  /** The features that pushed most toward `level`, strongest first (at most three). */
  strongest(level: UrgencyLevel): string[];
}

export function classify(model: UrgencyModel, features: readonly string[]): Classified {
  const logits = [...model.bias];
  const known: Array<[string, readonly number[]]> = [];
  for (const feature of features) {
    const weights = model.weights[feature];
    if (!weights) continue;
    known.push([feature, weights]);
    for (let level = 0; level < logits.length; level++) logits[level]! += weights[level]!;
  }
  return {
    probabilities: softmax(logits),
    strongest(level) {
      const index = urgencyLevels.indexOf(level);
      const mean = (weights: readonly number[]) =>
        weights.reduce((sum, weight) => sum + weight, 0) / weights.length;
      return known
        .map(([feature, weights]) => [feature, weights[index]! - mean(weights)] as const)
        .filter(
          ([feature, lift]) => lift > 0.25 && !feature.startsWith('rule: ') && !commonWords.has(feature),
        )
        .sort((left, right) => right[1] - left[1])
        .slice(0, 3)
        .map(([feature]) => feature);
    },
  };
}

function softmax(logits: readonly number[]): number[] {
  const top = Math.max(...logits);
  const exps = logits.map((logit) => Math.exp(logit - top));
  const sum = exps.reduce((total, value) => total + value, 0);
  return exps.map((value) => value / sum);
}

export interface TrainOptions {
  /** L2 penalty per feature weight. Default 0.003. */
  l2?: number;
  /** Full-batch gradient steps. Default 300. */
  steps?: number;
  /** AdaGrad's step size. Default 0.1. */
  learningRate?: number;
  /** Features seen in fewer messages than this are dropped. Default 2. */
  minCount?: number;
}

/**
 * Fits the model to `[level, features]` examples by full-batch AdaGrad on the mean cross-entropy plus an L2
 * penalty: deterministic (no sampling), so the same examples give the same weights.
 */
export function trainUrgencyModel(
  examples: ReadonlyArray<readonly [UrgencyLevel, readonly string[]]>,
  options: TrainOptions = {},
): UrgencyModel {
  const l2 = options.l2 ?? 0.003;
  const steps = options.steps ?? 300;
  const rate = options.learningRate ?? 0.1;
  const minCount = options.minCount ?? 2;
  const counts = new Map<string, number>();
  for (const [, features] of examples)
    for (const feature of features) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  const vocabulary = [...counts]
    .filter(([, count]) => count >= minCount)
    .map(([feature]) => feature)
    .sort();
  const indexOf = new Map(vocabulary.map((feature, index) => [feature, index]));
  const levels = urgencyLevels.length;
  const rows = examples.map(([label, features]) => ({
    label: urgencyLevels.indexOf(label),
    columns: features.flatMap((feature) => {
      const index = indexOf.get(feature);
      return index === undefined ? [] : [index];
    }),
  }));
  const weights = new Float64Array(vocabulary.length * levels);
  const bias = new Float64Array(levels);
  const squares = new Float64Array(weights.length);
  const biasSquares = new Float64Array(levels);
  const n = rows.length;
  for (let step = 0; step < steps; step++) {
    const gradient = new Float64Array(weights.length);
    const biasGradient = new Float64Array(levels);
    for (const { label, columns } of rows) {
      const logits = Array.from(bias);
      for (const column of columns)
        for (let level = 0; level < levels; level++) logits[level]! += weights[column * levels + level]!;
      const probabilities = softmax(logits);
      for (let level = 0; level < levels; level++) {
        const error = probabilities[level]! - (level === label ? 1 : 0);
        biasGradient[level]! += error / n;
        for (const column of columns) gradient[column * levels + level]! += error / n;
      }
    }
    // AdaGrad: each weight's step shrinks with its own gradients so far, so a feature few messages have (a
    // hazard rule) learns as fast as a common word.
    for (let index = 0; index < weights.length; index++) {
      const step = gradient[index]! + l2 * weights[index]!;
      squares[index]! += step * step;
      weights[index]! -= (rate * step) / (Math.sqrt(squares[index]!) + 1e-8);
    }
    for (let level = 0; level < levels; level++) {
      biasSquares[level]! += biasGradient[level]! ** 2;
      bias[level]! -= (rate * biasGradient[level]!) / (Math.sqrt(biasSquares[level]!) + 1e-8);
    }
  }
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const kept: Record<string, number[]> = {};
  for (const [index, feature] of vocabulary.entries()) {
    const row = Array.from(weights.subarray(index * levels, (index + 1) * levels), round);
    if (row.some((weight) => Math.abs(weight) >= 0.01)) kept[feature] = row;
  }
  return { bias: Array.from(bias, round), weights: kept };
}
