/**
 * Health-plan ids: an insurer's number for a member (member, subscriber, policy, group or plan id,
 * Medicare and Medicaid numbers). Formats differ per insurer, so an id is read only after a cue.
 * Cues that name health cover ("health insurance ID", "Medicare number") suffice alone; the generic
 * ones ("member ID", "policy number", "group number") also serve gyms, loyalty schemes, car and pet
 * insurance, so they count only with a health word nearby or a second health-plan cue.
 */
import type { PiiCandidate, PiiRecognizer } from '../types.js';
import { identifierAfter } from './cued-identifier.js';

const NOUN = '(?:id(?:entification|entifier)?(?:\\s{1,3}(?:number|no\\.?))?|number|num|no\\.?|nbr|#)';

/** Every cue, as one trie-shaped alternation (a third faster to scan than a flat list). */
const CUE = new RegExp(
  `\\b(?:${[
    `health\\s{1,3}(?:plan|insurance|care)\\s{1,3}(?:member\\s{1,3}|subscriber\\s{1,3})?${NOUN}`,
    `m(?:edica(?:id|re)\\s{0,3}(?:member\\s{1,3}|beneficiary\\s{1,3}|card\\s{1,3})?${NOUN}|bi(?![A-Za-z0-9])|ember\\s{0,3}${NOUN})`,
    `tricare\\s{0,3}(?:member\\s{1,3}|beneficiary\\s{1,3}|card\\s{1,3})?${NOUN}`,
    `insurance\\s{1,3}(?:member\\s{1,3}|subscriber\\s{1,3}|policy\\s{1,3}|card\\s{1,3})?${NOUN}`,
    `subscriber\\s{0,3}${NOUN}`,
    `p(?:olicy\\s{0,3}|lan\\s{1,3})${NOUN}`,
    `group\\s{0,3}${NOUN}`,
  ].join('|')})`,
  'gi',
);

/** The cues that need a health word nearby; the others name health cover themselves. */
const GENERIC_CUE = /^(?:member|subscriber|policy|group|plan)/i;

/** Words that make a generic cue a health-plan one when they are near it. */
const HEALTH_WORDS =
  /\b(?:health|medical|dental|dentist|vision|optical|patient|clinic|hospital|pharmac(?:y|ist)|prescriptions?|rx|copay|co-pay|deductible|coinsurance|medicaid|medicare|hmo|ppo|epo|eob|claims?|insur(?:ance|er|ed)|cover(?:s|ed|age)?|aetna|cigna|humana|kaiser|anthem|tricare|bcbs|blue\s?(?:cross|shield)|united\s?health(?:care)?|doctor|physician|mrn)\b/i;

/** Cover that is not a health plan: these just before a cue (or the insurance word) rule it out. */
const OTHER_COVER =
  /\b(?:national|car|auto|automobile|vehicle|motor|home|homeowners?|house|renters?|contents|travel|pet|life|business|liability|boat|bike|phone|device)\s{1,3}(?:insurance|insurer|policy|cover)\b/i;

/** Membership schemes that are not health plans, just before a generic cue. */
const OTHER_MEMBERSHIP =
  /\b(?:loyalty|rewards?|points|club|gym|fitness|library|frequent\s{1,3}flyer|airline)\b/i;

/** How far around a generic cue a health word is looked for, and how far back other cover is. */
const CONTEXT_BEFORE = 100;
const CONTEXT_AFTER = 60;
const VETO_BEFORE = 40;

/**
 * Finds the id after a health-plan cue: 0.85 after a cue naming health cover, 0.75 after a generic
 * cue with a health word or another health-plan cue nearby, 0.3 (below the default threshold) without.
 */
export const healthPlanIdRecognizer: PiiRecognizer = {
  type: 'health-plan-id',
  name: 'health-plan-id',
  negativeContextWords: ['order', 'invoice', 'tracking', 'shipment', 'sku', 'serial', 'receipt'],
  find(text) {
    const cues: Array<{ start: number; end: number; generic: boolean }> = [];
    CUE.lastIndex = 0;
    for (let cue = CUE.exec(text); cue !== null; cue = CUE.exec(text)) {
      cues.push({ start: cue.index, end: cue.index + cue[0].length, generic: GENERIC_CUE.test(cue[0]) });
    }
    const candidates: PiiCandidate[] = [];
    let covered = 0;
    for (let index = 0; index < cues.length; index++) {
      const cue = cues[index]!;
      if (cue.start < covered) continue;
      const id = identifierAfter(text, cue.end);
      if (id === undefined) continue;
      const lead = text.slice(Math.max(0, cue.start - VETO_BEFORE), cue.end);
      if (OTHER_COVER.test(lead)) continue;
      let score = 0.85;
      if (cue.generic) {
        const near =
          HEALTH_WORDS.test(text.slice(Math.max(0, cue.start - CONTEXT_BEFORE), cue.start)) ||
          HEALTH_WORDS.test(text.slice(id.end, id.end + CONTEXT_AFTER)) ||
          hasOtherCueNear(text, cues, index, cue.start - CONTEXT_BEFORE, id.end + CONTEXT_AFTER);
        score = near && !OTHER_MEMBERSHIP.test(lead) ? 0.75 : 0.3;
      }
      candidates.push({
        ...id,
        score,
        recognizer: cue.generic ? 'health-plan-id.generic-cue' : 'health-plan-id',
      });
      covered = id.end;
    }
    return candidates;
  },
};

/**
 * Whether another health-plan cue lies in `from..to` around `cues[index]`; "member ID … member ID"
 * is one scheme mentioned twice, so a cue with the same first word does not count. Cues do not
 * overlap and are sorted, so the walk stops at the window's edges (linear in the text overall).
 */
function hasOtherCueNear(
  text: string,
  cues: ReadonlyArray<{ start: number; end: number }>,
  index: number,
  from: number,
  to: number,
): boolean {
  const word = (cue: { start: number }) =>
    /^[a-z]+/i.exec(text.slice(cue.start, cue.start + 12))?.[0]?.toLowerCase();
  const own = word(cues[index]!);
  for (let other = index - 1; other >= 0 && cues[other]!.end > from; other--) {
    if (word(cues[other]!) !== own) return true;
  }
  for (let other = index + 1; other < cues.length && cues[other]!.start < to; other++) {
    if (word(cues[other]!) !== own) return true;
  }
  return false;
}
