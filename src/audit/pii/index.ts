/** PII detection and masking: find personal data and secrets in text, and mask them before storage. */
export {
  createPiiDetector,
  detectPii,
  type PiiDetector,
  type PiiDetectorOptions,
  piiDetectorOptionsSchema,
  resolveOverlaps,
} from './detector.js';
export {
  evaluatePii,
  type LabelledText,
  MIN_LABEL_OVERLAP,
  type PiiEvaluation,
  type PiiEvaluationError,
  type PiiTypeScore,
} from './evaluate.js';
export {
  type MaskedValueSpan,
  type MaskValueOptions,
  type MaskValueResult,
  maskValue,
} from './mask-value.js';
export {
  assertMaskPolicy,
  detokenizeText,
  keyedHash,
  type MaskedSpan,
  type MaskingKeys,
  type MaskPolicy,
  type MaskStrategy,
  type MaskTextResult,
  maskReplacement,
  maskStrategies,
  maskText,
  PII_LABELS,
} from './masking.js';
export { builtInRecognizers } from './recognizers/index.js';
export { createPhoneRecognizer, type PhoneRecognizerOptions } from './recognizers/phone.js';
export { createInMemoryTokenVault, type InMemoryTokenVaultOptions, type TokenVault } from './token-vault.js';
export {
  type PiiCandidate,
  type PiiFinding,
  type PiiRecognizer,
  type PiiType,
  piiTypes,
  type RecognizerSettings,
} from './types.js';
