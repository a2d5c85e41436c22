/** Helpers for the recognizer tests: what a recognizer or a one-type detector finds, as text. */
import { createPiiDetector } from '../detector.js';
import type { PiiRecognizer, PiiType } from '../types.js';

export function candidateTexts(recognizer: PiiRecognizer, text: string): string[] {
  return recognizer
    .find(text, { defaultRegion: 'US' })
    .map((candidate) => text.slice(candidate.start, candidate.end));
}

export function detectedTexts(type: PiiType, text: string, minScore = 0.5): string[] {
  return createPiiDetector({ types: [type], minScore })
    .detect(text)
    .map((finding) => finding.text);
}

export function scoreOf(type: PiiType, text: string): number | undefined {
  return createPiiDetector({ types: [type], minScore: 0 }).detect(text)[0]?.score;
}
