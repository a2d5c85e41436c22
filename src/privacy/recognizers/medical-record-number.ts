/**
 * Medical record numbers: a hospital's or practice's own number for a patient. Formats are local
 * (`00482913`, `MR-5512093`, `PT-884120`), so an id is read only after a cue: "MRN", "MR#",
 * "medical record (number)", "patient ID/no./number/#", "chart number", "hospital number".
 */
import type { PiiCandidate, PiiRecognizer } from '../types.js';
import { identifierAfter } from './cued-identifier.js';

const NOUN = '(?:id(?:entification|entifier)?(?:\\s{1,3}(?:number|no\\.?))?|number|num|no\\.?|nbr|#)';

/** The cues as one trie-shaped alternation (a third faster to scan than the flat list). */
const CUE = new RegExp(
  `\\b(?:${[
    `m(?:rn(?![A-Za-z0-9])|r\\s?#|ed(?:ical)?\\.?\\s{1,3}rec(?:ord)?s?\\.?(?:\\s{1,3}${NOUN})?)`,
    `(?:electronic\\s{1,3})?health\\s{1,3}record\\s{1,3}${NOUN}`,
    `patient(?:'s)?\\s{0,3}(?:${NOUN}|account\\s{1,3}(?:number|no\\.?|#))`,
    `chart\\s{0,3}${NOUN}`,
    `hospital\\s{1,3}${NOUN}`,
  ].join('|')})`,
  'gi',
);

/** Finds the id after a medical-record cue (score 0.85). */
export const medicalRecordNumberRecognizer: PiiRecognizer = {
  type: 'medical-record-number',
  name: 'medical-record-number',
  negativeContextWords: ['order', 'invoice', 'tracking', 'shipment', 'sku', 'serial', 'receipt'],
  find(text) {
    const candidates: PiiCandidate[] = [];
    CUE.lastIndex = 0;
    for (let cue = CUE.exec(text); cue !== null; cue = CUE.exec(text)) {
      // "Mr" is a title: the "MR#" cue counts only in capitals.
      if (/^mr\s?#$/i.test(cue[0]) && !cue[0].startsWith('MR')) continue;
      const id = identifierAfter(text, cue.index + cue[0].length);
      if (id === undefined) continue;
      candidates.push({ ...id, score: 0.85, recognizer: 'medical-record-number' });
      CUE.lastIndex = Math.max(CUE.lastIndex, id.end);
    }
    return candidates;
  },
};
