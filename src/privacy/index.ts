/**
 * claude-steward/privacy: find personal data and secrets in text and mask them before anything is stored.
 * Below every primitive: trust, optimize, audit (and learn, channels) mask through a Redactor from here,
 * and this module imports none of them.
 */
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
export {
  builtInRecognizers,
  createPhoneRecognizer,
  type PhoneRecognizerOptions,
} from './recognizers/index.js';
export {
  createRedactor,
  maskPayload,
  passThroughRedactor,
  type Redactor,
  type RedactorOptions,
  structuralFields,
} from './redactor.js';
export { createInMemoryTokenVault, type InMemoryTokenVaultOptions, type TokenVault } from './token-vault.js';
export {
  type PiiCandidate,
  type PiiFinding,
  type PiiRecognizer,
  type PiiType,
  piiTypes,
  type RecognizerSettings,
} from './types.js';
