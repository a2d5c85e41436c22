/** Precision and recall of the urgency scorer per level on a labelled set, and the confusion behind them. */
import { scoreUrgency, type UrgencyLevel, type UrgencyThresholds, urgencyLevels } from './urgency.js';

/** `[label, channel, text]`: one hand-labelled customer message. */
export type LabelledMessage = [UrgencyLevel, 'sms' | 'email' | 'slack', string];

export interface LevelMetrics {
  level: UrgencyLevel;
  support: number;
  precision: number;
  recall: number;
}

export interface UrgencyEvaluation {
  total: number;
  accuracy: number;
  levels: LevelMetrics[];
  /** `confusion[label][predicted]` counts. */
  confusion: Record<UrgencyLevel, Record<UrgencyLevel, number>>;
  misses: Array<{ label: UrgencyLevel; predicted: UrgencyLevel; text: string }>;
}

export function evaluateUrgency(
  messages: LabelledMessage[],
  thresholds?: UrgencyThresholds,
  /** The level a text gets; default `scoreUrgency` with `thresholds` (an out-of-fold model's, say). */
  levelOf: (text: string) => UrgencyLevel = (text) => scoreUrgency(text, {}, thresholds).level,
): UrgencyEvaluation {
  const confusion = Object.fromEntries(
    urgencyLevels.map((label) => [
      label,
      Object.fromEntries(urgencyLevels.map((predicted) => [predicted, 0])),
    ]),
  ) as Record<UrgencyLevel, Record<UrgencyLevel, number>>;
  const misses: UrgencyEvaluation['misses'] = [];
  for (const [label, , text] of messages) {
    const predicted = levelOf(text);
    confusion[label][predicted] += 1;
    if (predicted !== label) misses.push({ label, predicted, text });
  }
  const levels = urgencyLevels.map((level) => {
    const truePositives = confusion[level][level];
    const predictedCount = urgencyLevels.reduce((sum, label) => sum + confusion[label][level], 0);
    const support = urgencyLevels.reduce((sum, predicted) => sum + confusion[level][predicted], 0);
    return {
      level,
      support,
      precision: predictedCount === 0 ? 0 : truePositives / predictedCount,
      recall: support === 0 ? 0 : truePositives / support,
    };
  });
  const correct = urgencyLevels.reduce((sum, level) => sum + confusion[level][level], 0);
  return { total: messages.length, accuracy: correct / messages.length, levels, confusion, misses };
}

/** The evaluation as a small table, for the report script and the test log. */
export function formatEvaluation(name: string, evaluation: UrgencyEvaluation): string {
  const rows = evaluation.levels.map(
    (metrics) =>
      `  ${metrics.level.padEnd(9)} support ${String(metrics.support).padStart(3)}  precision ${metrics.precision.toFixed(2)}  recall ${metrics.recall.toFixed(2)}`,
  );
  return [`${name}: ${evaluation.total} messages, accuracy ${evaluation.accuracy.toFixed(2)}`, ...rows].join(
    '\n',
  );
}
