/**
 * Trains the urgency model on every labelled set but blind sets B and B2 (kept unseen, to measure it), picks the
 * L2 penalty by 5-fold cross-validation, and writes the weights to `../weights.ts`:
 * `npx tsx src/channels/urgency/__support__/train-weights.ts`. `urgency.test.ts` checks the file matches a fresh run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { blindCriticalMessages } from '../__fixtures__/blind-critical.js';
import { heldOutMessages } from '../__fixtures__/held-out.js';
import { tuningMessages } from '../__fixtures__/tuning.js';
import { tuningMessagesC } from '../__fixtures__/tuning-c.js';
import type { LabelledMessage } from '../evaluate.js';
import { type TrainOptions, trainUrgencyModel, type UrgencyModel } from '../model.js';
import { scoreUrgency, type UrgencyLevel, urgencyFeatures } from '../urgency.js';

export const trainingMessages: LabelledMessage[] = [
  ...tuningMessages,
  ...tuningMessagesC,
  ...heldOutMessages,
  ...blindCriticalMessages,
];
export const penalties = [0.001, 0.003, 0.01];

export function examplesOf(messages: readonly LabelledMessage[]) {
  return messages.map(([label, , text]) => [label, urgencyFeatures(text)] as const);
}

/** Accuracy of 5-fold cross-validation (every fifth message held out in turn). */
export function crossValidate(messages: readonly LabelledMessage[], options: TrainOptions): number {
  const examples = examplesOf(messages);
  let correct = 0;
  for (let fold = 0; fold < 5; fold++) {
    const model = trainUrgencyModel(
      examples.filter((_, index) => index % 5 !== fold),
      options,
    );
    for (const [index, [label]] of examples.entries()) {
      if (index % 5 !== fold) continue;
      if (scoreUrgency(messages[index]![2], {}, undefined, model).level === label) correct++;
    }
  }
  return correct / examples.length;
}

/**
 * The level each of `messages` (a part of `trainingMessages`) gets from the model of the 5-fold split that did
 * not train on it, by text: to evaluate messages the rules were never written from (tuning set C) out of fold.
 */
export function outOfFold(messages: readonly LabelledMessage[], l2: number): Map<string, UrgencyLevel> {
  const wanted = new Set(messages.map(([, , text]) => text));
  const examples = examplesOf(trainingMessages);
  const levels = new Map<string, UrgencyLevel>();
  for (let fold = 0; fold < 5; fold++) {
    const model = trainUrgencyModel(
      examples.filter((_, index) => index % 5 !== fold),
      { l2 },
    );
    for (const [index, [, , text]] of trainingMessages.entries()) {
      if (index % 5 === fold && wanted.has(text))
        levels.set(text, scoreUrgency(text, {}, undefined, model).level);
    }
  }
  return levels;
}

export function modelSource(model: UrgencyModel, l2: number): string {
  const rows = Object.entries(model.weights).map(
    ([feature, weights]) => `    ${JSON.stringify(feature)}: [${weights.join(', ')}],`,
  );
  return [
    '/**',
    ` * The urgency model's weights (levels low, normal, high, critical), trained with L2 ${l2} on ${trainingMessages.length} labelled`,
    ' * messages by `__support__/train-weights.ts`; do not edit by hand.',
    ' */',
    "import type { UrgencyModel } from './model.js';",
    '',
    'export const urgencyModel: UrgencyModel = {',
    `  bias: [${model.bias.join(', ')}],`,
    '  weights: {',
    ...rows,
    '  },',
    '};',
    '',
  ].join('\n');
}

export const weightsFile = fileURLToPath(new URL('../weights.ts', import.meta.url));

/** What `weights.ts` holds after training on `trainingMessages` with `l2`. */
export function trainedSource(l2: number): string {
  return modelSource(trainUrgencyModel(examplesOf(trainingMessages), { l2 }), l2);
}

/** The L2 penalty `weights.ts` was trained with (its header says it). */
export function recordedPenalty(): number {
  const match = /trained with L2 ([\d.e-]+)/.exec(readFileSync(weightsFile, 'utf8'));
  if (!match) throw new Error('weights.ts does not say its L2 penalty');
  return Number(match[1]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let best = { l2: penalties[0]!, accuracy: -1 };
  for (const l2 of penalties) {
    const accuracy = crossValidate(trainingMessages, { l2 });
    console.log(`l2 ${l2}: 5-fold accuracy ${accuracy.toFixed(3)}`);
    if (accuracy > best.accuracy) best = { l2, accuracy };
  }
  writeFileSync(weightsFile, trainedSource(best.l2));
  console.log(`wrote ${weightsFile}, l2 ${best.l2}`);
}
