/** Urgency: a scored level (low, normal, high, critical) with its reasons, and its evaluation on labelled messages. */
export {
  evaluateUrgency,
  formatEvaluation,
  type LabelledMessage,
  type LevelMetrics,
  type UrgencyEvaluation,
} from './evaluate.js';
export {
  contextCanRaise,
  DEFAULT_URGENCY_THRESHOLDS,
  scoreUrgency,
  type UrgencyContext,
  type UrgencyLevel,
  type UrgencyScore,
  type UrgencyThresholds,
  urgencyLevels,
} from './urgency.js';
