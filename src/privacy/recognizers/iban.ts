/**
 * International Bank Account Numbers: a country code, two check digits and a country-specific
 * number of letters and digits, printed in groups of four or not at all. Confirmed by the
 * country's length and the ISO 7064 mod-97 check; anything else is dropped.
 */
import { isAsciiAlphanumeric, isDigit } from '../text.js';
import type { PiiCandidate, PiiRecognizer } from '../types.js';

/** Total IBAN length per country (SWIFT IBAN registry). */
// biome-ignore format: a table reads better packed
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

const START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}/g;

/** ISO 7064 mod-97-10 over the rearranged IBAN, computed in chunks so it never leaves safe integers. */
export function ibanChecksumValid(compact: string): boolean {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (let index = 0; index < rearranged.length; index++) {
    const code = rearranged.charCodeAt(index);
    if (isDigit(code)) {
      remainder = (remainder * 10 + (code - 48)) % 97;
    } else if (code >= 65 && code <= 90) {
      remainder = (remainder * 100 + (code - 55)) % 97;
    } else {
      return false;
    }
  }
  return remainder === 1;
}

/** Finds IBANs, compact (`DE89370400440532013000`) or grouped (`GB82 WEST 1234 5698 7654 32`). */
export const ibanRecognizer: PiiRecognizer = {
  type: 'iban',
  name: 'iban',
  contextWords: ['iban', 'bank', 'account', 'transfer', 'wire', 'sepa', 'bic', 'swift', 'refund'],
  contextBoost: 0.1,
  find(text) {
    const candidates: PiiCandidate[] = [];
    START.lastIndex = 0;
    for (let match = START.exec(text); match !== null; match = START.exec(text)) {
      const country = match[0].slice(0, 2).toUpperCase();
      const length = IBAN_LENGTHS[country];
      if (length === undefined) continue;
      // Walk the rest: letters and digits, single spaces allowed between them, until `length` collected.
      let compact = country + match[0].slice(2);
      let index = match.index + 4;
      while (compact.length < length && index < text.length) {
        const code = text.charCodeAt(index);
        if (isAsciiAlphanumeric(code)) {
          compact += text[index]!.toUpperCase();
          index++;
        } else if (code === 32 && isAsciiAlphanumeric(text.charCodeAt(index + 1))) {
          index++;
        } else {
          break;
        }
      }
      if (compact.length !== length || isAsciiAlphanumeric(text.charCodeAt(index))) continue;
      if (!ibanChecksumValid(compact)) continue;
      candidates.push({ start: match.index, end: index, score: 0.85, recognizer: 'iban' });
    }
    return candidates;
  },
};
