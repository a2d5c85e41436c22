export { fillTemplate, fillTemplateSource, slotTokens, slotTokensSource, templateOf } from './slots.js';
export {
  type SoftmaxModel,
  type SoftmaxOptions,
  type SparseDocument,
  softmaxEpochs,
  softmaxProbabilities,
  trainSoftmax,
  trainSoftmaxYielding,
  Vocabulary,
} from './softmax.js';
export { type TextFeatures, textFeatures, textFeaturesSource, textWords } from './text-features.js';
