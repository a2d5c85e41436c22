/**
 * Precision and recall of a detector on a labelled set. A finding matches a label when both have
 * the same type and the finding covers at least half of the labelled span; each label and each
 * finding is matched at most once.
 */
import { type PiiFinding, type PiiType, piiTypes } from './types.js';

export interface LabelledText {
  id: string;
  text: string;
  spans: ReadonlyArray<{ type: PiiType; start: number; end: number }>;
}

export interface PiiTypeScore {
  tp: number;
  fp: number;
  fn: number;
  /** tp / (tp + fp); 1 when nothing was found. */
  precision: number;
  /** tp / (tp + fn); 1 when nothing was labelled. */
  recall: number;
  f1: number;
}

/** One disagreement between the detector and the labels, for reading what went wrong. */
export interface PiiEvaluationError {
  id: string;
  kind: 'false-positive' | 'false-negative';
  type: PiiType;
  text: string;
}

export interface PiiEvaluation {
  byType: Record<PiiType, PiiTypeScore>;
  /** Counts summed over all types (micro average). */
  overall: PiiTypeScore;
  errors: PiiEvaluationError[];
}

/** Share of a labelled span a finding must cover to count as found. */
export const MIN_LABEL_OVERLAP = 0.5;

/**
 * Runs `detector` over every labelled text and scores it per type.
 *
 * @example
 * const { byType } = evaluatePii(createPiiDetector(), labelledMessages);
 * byType['payment-card'].recall; // 1
 */
export function evaluatePii(
  detector: { detect(text: string): PiiFinding[] },
  labelled: readonly LabelledText[],
): PiiEvaluation {
  const counts = Object.fromEntries(piiTypes.map((type) => [type, { tp: 0, fp: 0, fn: 0 }])) as Record<
    PiiType,
    { tp: number; fp: number; fn: number }
  >;
  const errors: PiiEvaluationError[] = [];

  for (const item of labelled) {
    const findings = detector.detect(item.text);
    const used = new Set<number>();
    for (const span of item.spans) {
      const length = Math.max(1, span.end - span.start);
      let best = -1;
      let bestOverlap = 0;
      findings.forEach((finding, index) => {
        if (used.has(index) || finding.type !== span.type) return;
        const overlap = Math.min(finding.end, span.end) - Math.max(finding.start, span.start);
        if (overlap / length >= MIN_LABEL_OVERLAP && overlap > bestOverlap) {
          best = index;
          bestOverlap = overlap;
        }
      });
      if (best >= 0) {
        used.add(best);
        counts[span.type].tp++;
      } else {
        counts[span.type].fn++;
        errors.push({
          id: item.id,
          kind: 'false-negative',
          type: span.type,
          text: item.text.slice(span.start, span.end),
        });
      }
    }
    findings.forEach((finding, index) => {
      if (used.has(index)) return;
      counts[finding.type].fp++;
      errors.push({ id: item.id, kind: 'false-positive', type: finding.type, text: finding.text });
    });
  }

  const byType = Object.fromEntries(piiTypes.map((type) => [type, score(counts[type])])) as Record<
    PiiType,
    PiiTypeScore
  >;
  const total = piiTypes.reduce(
    (sum, type) => ({
      tp: sum.tp + counts[type].tp,
      fp: sum.fp + counts[type].fp,
      fn: sum.fn + counts[type].fn,
    }),
    { tp: 0, fp: 0, fn: 0 },
  );
  return { byType, overall: score(total), errors };
}

function score({ tp, fp, fn }: { tp: number; fp: number; fn: number }): PiiTypeScore {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}
