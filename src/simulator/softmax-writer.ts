/**
 * The offline writer's handler for a prompt that labels the neighbouring kinds of request
 * (`nearMissGroups`): a softmax model over the examples' own kind, each neighbouring kind and the
 * background, trained here on the prompt's requests alone and written into the handler as data. The
 * handler answers when its own kind has probability ≥ 0.87 and at least half of the request's content words
 * (three letters or more, not a stop word) are words of the examples; null otherwise. The feature function is the one detection uses
 * (src/classify/text-features.ts), carried in the handler's source, with its four-character pieces on.
 *
 * Weights are quantized to steps of 0.2 and written two characters per non-zero weight (the class, then
 * the step count), which keeps a handler over ~1,500 requests near 125 KB; a handler larger than
 * `maxChars` is written with coarser steps, and at the coarsest with only its largest weights.
 */
import {
  type SparseDocument,
  textFeatures,
  textFeaturesSource,
  textWords,
  trainSoftmax,
  Vocabulary,
} from '../classify/index.js';
import { type ReplyPlan, replyExpression, replyFunctions, replyPlan } from './reply-plan.js';
import { stopWords } from './stop-words.js';

export interface SoftmaxHandlerData {
  examples: Array<{ request: string; reply: string }>;
  nearMissGroups: string[][];
  background: string[];
  counterExamples?: string[];
}

/**
 * The share of probability the handler's own kind needs to answer. Chosen on a development split of
 * banking77's train set (two thirds as history, one third served; never its test set), in a prototype of
 * the replay with the features handlers read now (words, pairs, four-character pieces):
 *
 * | threshold | answered | wrong |
 * |---|---|---|
 * | 0.8 | 59.7% | 1.44% |
 * | 0.85 | 54.9% | 0.82% |
 * | 0.86 | 53.7% | 0.71% |
 * | 0.87 | 52.6% | 0.56% |
 * | 0.88 | 51.5% | 0.51% |
 * | 0.9 | 49.0% | 0.40% |
 *
 * 0.87 is where wrong answers stop falling faster than coverage, with room under a 1% bound for traffic
 * less tidy than banking77's (the product's own replay of that split answered 56.6% with 0.93% wrong at
 * 0.85). A wrong answer costs more than a model call.
 */
export const ANSWER_PROBABILITY = 0.87;
/** At most this many neighbouring kinds get a class of their own (the class letters are A to Z). */
const MAX_GROUPS = 24;
const STEPS = [0.2, 0.3, 0.5, 0.8];
const MAX_STEP_COUNT = 45;

/** One character for a step count in [-45, 45]: printable ASCII from `#`, skipping the backslash. */
function stepCharacter(count: number): string {
  const code = 80 + count;
  return String.fromCharCode(code >= 92 ? code + 1 : code);
}

export function writeSoftmaxHandler(data: SoftmaxHandlerData, maxChars = 240 * 1024): string {
  const groups = data.nearMissGroups.slice(0, MAX_GROUPS);
  const backgroundClass = groups.length + 1;
  const classes = groups.length + 2;
  const vocabulary = new Vocabulary();
  const documents: SparseDocument[] = [];
  const labels: number[] = [];
  const addDocument = (text: string, label: number) => {
    documents.push(vocabulary.encode(textFeatures(text, true)));
    labels.push(label);
  };
  for (const example of data.examples) addDocument(example.request, 0);
  for (const [index, group] of groups.entries()) for (const text of group) addDocument(text, index + 1);
  for (const text of [...data.background, ...(data.counterExamples ?? [])])
    addDocument(text, backgroundClass);
  const model = trainSoftmax(
    documents,
    labels,
    { classes, terms: vocabulary.size },
    { epochs: 30, rate: 2, seed: 1 },
  );
  const stop = new Set(stopWords);
  // Content words: three letters or more, not a stop word, no digit (an order number is a slot, not a word).
  const content = (word: string) => word.length >= 3 && !stop.has(word) && !/[0-9]/.test(word);
  const ownWords = [
    ...new Set(data.examples.flatMap((example) => textWords(example.request).filter(content))),
  ].sort();
  const plan = replyPlan(data.examples);
  const write = (step: number, keep: (position: number) => boolean) => {
    const weights: Record<string, string> = {};
    for (const [position, term] of vocabulary.terms.entries()) {
      if (!keep(position)) continue;
      let encoded = '';
      for (let c = 0; c < classes; c++) {
        const count = Math.round(model.weights[position * classes + c]! / step);
        if (count === 0) continue;
        const clamped = Math.max(-MAX_STEP_COUNT, Math.min(MAX_STEP_COUNT, count));
        encoded += String.fromCharCode(65 + c) + stepCharacter(clamped);
      }
      if (encoded !== '') weights[term] = encoded;
    }
    return handlerSource({
      weights,
      bias: Array.from(model.bias, (value) => Math.round(value * 1000) / 1000),
      step,
      ownWords,
      plan,
    });
  };
  let source = '';
  for (const step of STEPS) {
    source = write(step, () => true);
    if (source.length <= maxChars) return source;
  }
  // Still too large at the coarsest step: keep the terms with the largest weights, a tenth fewer each time.
  const step = STEPS[STEPS.length - 1]!;
  const byWeight = vocabulary.terms
    .map((_, position) => {
      let largest = 0;
      for (let c = 0; c < classes; c++)
        largest = Math.max(largest, Math.abs(model.weights[position * classes + c]!));
      return { position, largest };
    })
    .sort((left, right) => right.largest - left.largest || left.position - right.position);
  let kept = byWeight.length;
  while (source.length > maxChars && kept > 0) {
    kept = Math.floor(kept * 0.9);
    const keep = new Set(byWeight.slice(0, kept).map((entry) => entry.position));
    source = write(step, (position) => keep.has(position));
  }
  return source;
}

function handlerSource(parts: {
  weights: Record<string, string>;
  bias: number[];
  step: number;
  ownWords: string[];
  plan: ReplyPlan;
}): string {
  return `var weights = ${JSON.stringify(parts.weights)};
var bias = ${JSON.stringify(parts.bias)};
var ownWords = ${JSON.stringify(Object.fromEntries(parts.ownWords.map((word) => [word, 1])))};
var stopWords = ${JSON.stringify(Object.fromEntries(stopWords.map((word) => [word, 1])))};
${textFeaturesSource}
${replyFunctions(parts.plan)}
function handler(request, context) {
  var text = request && request.text;
  var plain = textFeatures(text, false);
  var known = 0;
  var words = 0;
  for (var i = 0; i < plain.length; i++) {
    if (plain[i][0].charAt(0) !== 'w') continue;
    var word = plain[i][0].slice(2);
    if (word.length < 3 || stopWords[word] === 1 || /[0-9]/.test(word)) continue;
    words += 1;
    if (ownWords[word] === 1) known += 1;
  }
  if (words === 0 || known * 2 < words) return null;
  var features = textFeatures(text, true);
  var scores = bias.slice();
  for (var j = 0; j < features.length; j++) {
    var encoded = weights[features[j][0]];
    if (typeof encoded !== 'string') continue;
    for (var k = 0; k + 1 < encoded.length; k += 2) {
      var code = encoded.charCodeAt(k + 1);
      if (code > 92) code -= 1;
      scores[encoded.charCodeAt(k) - 65] += (code - 80) * ${parts.step} * features[j][1];
    }
  }
  var max = scores[0];
  for (var m = 1; m < scores.length; m++) if (scores[m] > max) max = scores[m];
  var total = 0;
  for (var n = 0; n < scores.length; n++) total += Math.exp(scores[n] - max);
  return Math.exp(scores[0] - max) / total >= ${ANSWER_PROBABILITY} ? ${replyExpression(parts.plan, 'text')} : null;
}`;
}
