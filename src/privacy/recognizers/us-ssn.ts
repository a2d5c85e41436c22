/**
 * US Social Security numbers. Numbers the SSA never issues (area 000, 666, 900–999; group 00; serial
 * 0000) are dropped; famous fakes (123-45-6789, the Woolworth card) score low; nine bare digits need
 * a context word ("SSN", "social security") to reach the default threshold.
 */
import type { PiiCandidate, PiiRecognizer } from '../types.js';

const CANDIDATE = /(?<![\w-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\w]|-\d)/g;

/** Published as examples, printed on sample cards, or runs of one digit. */
const KNOWN_FAKES = new Set(['123456789', '078051120', '219099999', '987654320', '987654321']);

/** Whether the SSA could have issued this number (ranges it never assigns are rejected). */
export function isIssuableSsn(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  if (group === '00' || serial === '0000') return false;
  return true;
}

/** Finds `123-45-6789`, `123 45 6789` and, with context, `123456789`. */
export const usSsnRecognizer: PiiRecognizer = {
  type: 'us-ssn',
  name: 'us-ssn',
  contextWords: ['ssn', 'ss#', 'ss no', 'social security', 'social', 'taxpayer', 'tin', 'itin'],
  contextBoost: 0.3,
  negativeContextWords: [
    'order',
    'invoice',
    'tracking',
    'sku',
    'ref',
    'reference',
    'confirmation',
    'account',
    'routing',
    'case',
    'ticket',
  ],
  find(text) {
    const candidates: PiiCandidate[] = [];
    CANDIDATE.lastIndex = 0;
    for (let match = CANDIDATE.exec(text); match !== null; match = CANDIDATE.exec(text)) {
      const [raw, area = '', separator = '', group = '', serial = ''] = match;
      if (!isIssuableSsn(area, group, serial)) continue;
      const digits = area + group + serial;
      const fake = KNOWN_FAKES.has(digits) || /^(\d)\1{8}$/.test(digits);
      const score = fake ? 0.1 : separator === '-' ? 0.7 : separator === ' ' ? 0.55 : 0.3;
      candidates.push({
        start: match.index,
        end: match.index + raw.length,
        score,
        recognizer: fake ? 'us-ssn.known-fake' : 'us-ssn',
      });
    }
    return candidates;
  },
};
