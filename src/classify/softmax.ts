/**
 * Multinomial logistic regression over sparse text features, trained by stochastic gradient descent in a
 * fixed, seeded order (the same documents give the same model on every machine). Small and dependency-free
 * on purpose: it runs over an agent's own recorded requests (thousands, not millions), inside a learning
 * pass, and the weights it learns are written into handlers as plain data.
 */
import type { TextFeatures } from './text-features.js';

/** Documents as term indexes into one vocabulary, with their weights. */
export interface SparseDocument {
  index: Int32Array;
  weight: Float32Array;
}

export class Vocabulary {
  readonly terms: string[] = [];
  private readonly ids = new Map<string, number>();

  /** The document's terms as indexes, adding unseen terms. */
  encode(features: TextFeatures): SparseDocument {
    const index = new Int32Array(features.length);
    const weight = new Float32Array(features.length);
    for (const [position, [term, value]] of features.entries()) {
      let id = this.ids.get(term);
      if (id === undefined) {
        id = this.terms.length;
        this.terms.push(term);
        this.ids.set(term, id);
      }
      index[position] = id;
      weight[position] = value;
    }
    return { index, weight };
  }

  get size(): number {
    return this.terms.length;
  }
}

export interface SoftmaxOptions {
  epochs: number;
  /** The rate of the first epoch; epoch e uses rate / (1 + e). */
  rate: number;
  seed?: number;
}

export interface SoftmaxModel {
  classes: number;
  terms: number;
  /** Row-major: the weights of term t are weights[t * classes … t * classes + classes - 1]. */
  weights: Float32Array;
  bias: Float32Array;
}

/** Documents trained on between two yields: a few milliseconds of work with a hundred classes. */
const DOCUMENTS_PER_STEP = 256;

/** A step at a time (an epoch's next DOCUMENTS_PER_STEP documents), so a caller can yield between steps. */
export function* softmaxEpochs(
  documents: readonly SparseDocument[],
  labels: readonly number[],
  shape: { classes: number; terms: number },
  options: SoftmaxOptions,
): Generator<number, SoftmaxModel> {
  const { classes, terms } = shape;
  const weights = new Float32Array(terms * classes);
  const bias = new Float32Array(classes);
  const scores = new Float64Array(classes);
  const order = documents.map((_, index) => index);
  let state = (options.seed ?? 1) >>> 0;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const rate = options.rate / (1 + epoch);
    let sinceYield = 0;
    for (const position of order) {
      if (++sinceYield > DOCUMENTS_PER_STEP) {
        sinceYield = 1;
        yield epoch;
      }
      const { index, weight } = documents[position]!;
      score(weights, bias, classes, index, weight, scores);
      const label = labels[position]!;
      for (let c = 0; c < classes; c++) {
        const gradient = scores[c]! - (c === label ? 1 : 0);
        if (Math.abs(gradient) < 1e-4) continue;
        for (let k = 0; k < index.length; k++)
          weights[index[k]! * classes + c]! -= rate * gradient * weight[k]!;
        bias[c]! -= rate * gradient * 0.1;
      }
    }
    yield epoch;
  }
  return { classes, terms, weights, bias };
}

export function trainSoftmax(
  documents: readonly SparseDocument[],
  labels: readonly number[],
  shape: { classes: number; terms: number },
  options: SoftmaxOptions,
): SoftmaxModel {
  const epochs = softmaxEpochs(documents, labels, shape, options);
  for (;;) {
    const step = epochs.next();
    if (step.done) return step.value;
  }
}

/** Trains as `trainSoftmax` does, giving the event loop a turn every DOCUMENTS_PER_STEP documents. */
export async function trainSoftmaxYielding(
  documents: readonly SparseDocument[],
  labels: readonly number[],
  shape: { classes: number; terms: number },
  options: SoftmaxOptions,
): Promise<SoftmaxModel> {
  const epochs = softmaxEpochs(documents, labels, shape, options);
  for (;;) {
    const step = epochs.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Class probabilities of one document. Terms the model has not seen (index ≥ terms) are ignored. */
export function softmaxProbabilities(model: SoftmaxModel, document: SparseDocument): Float64Array {
  const scores = new Float64Array(model.classes);
  score(model.weights, model.bias, model.classes, document.index, document.weight, scores, model.terms);
  return scores;
}

function score(
  weights: Float32Array,
  bias: Float32Array,
  classes: number,
  index: Int32Array,
  weight: Float32Array,
  into: Float64Array,
  terms = Number.POSITIVE_INFINITY,
): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < classes; c++) {
    let total = bias[c]!;
    for (let k = 0; k < index.length; k++) {
      if (index[k]! < terms) total += weights[index[k]! * classes + c]! * weight[k]!;
    }
    into[c] = total;
    if (total > max) max = total;
  }
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    into[c] = Math.exp(into[c]! - max);
    sum += into[c]!;
  }
  for (let c = 0; c < classes; c++) into[c]! /= sum;
}
