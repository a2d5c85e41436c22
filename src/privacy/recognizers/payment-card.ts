/**
 * Payment card numbers: 13–19 digits, optionally grouped by spaces or dashes, that pass the Luhn
 * check. Numbers failing Luhn are dropped; a known issuer prefix (IIN) and length raise the score.
 */
import type { PiiCandidate, PiiRecognizer } from '../types.js';

// One digit, then 12–18 more each optionally preceded by one separator: linear, no ambiguity.
// The look-arounds keep us from cutting a card out of a longer digit run (tracking numbers).
const CANDIDATE = /(?<!\d[ -]?)\d(?:[ -]?\d){12,18}(?![ -]?\d)/g;

interface Issuer {
  name: string;
  /** Inclusive prefix ranges, compared on the same number of leading digits. */
  ranges: Array<[number, number]>;
  lengths: number[];
}

const ISSUERS: Issuer[] = [
  { name: 'visa', ranges: [[4, 4]], lengths: [13, 16, 19] },
  {
    name: 'mastercard',
    ranges: [
      [51, 55],
      [2221, 2720],
    ],
    lengths: [16],
  },
  {
    name: 'amex',
    ranges: [
      [34, 34],
      [37, 37],
    ],
    lengths: [15],
  },
  {
    name: 'discover',
    ranges: [
      [6011, 6011],
      [644, 649],
      [65, 65],
      [622126, 622925],
    ],
    lengths: [16, 17, 18, 19],
  },
  { name: 'jcb', ranges: [[3528, 3589]], lengths: [16, 17, 18, 19] },
  {
    name: 'diners',
    ranges: [
      [300, 305],
      [3095, 3095],
      [36, 36],
      [38, 39],
    ],
    lengths: [14, 15, 16, 17, 18, 19],
  },
  { name: 'unionpay', ranges: [[62, 62]], lengths: [16, 17, 18, 19] },
  {
    name: 'maestro',
    ranges: [
      [5018, 5018],
      [5020, 5020],
      [5038, 5038],
      [5893, 5893],
      [6304, 6304],
      [6759, 6759],
      [6761, 6763],
    ],
    lengths: [13, 14, 15, 16, 17, 18, 19],
  },
  { name: 'mir', ranges: [[2200, 2204]], lengths: [16, 17, 18, 19] },
];

/** The Luhn (mod 10) check every payment card number satisfies. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The issuer whose prefix and length match, if any. */
export function cardIssuer(digits: string): string | undefined {
  for (const issuer of ISSUERS) {
    if (!issuer.lengths.includes(digits.length)) continue;
    for (const [low, high] of issuer.ranges) {
      const prefix = Number(digits.slice(0, String(low).length));
      if (prefix >= low && prefix <= high) return issuer.name;
    }
  }
  return undefined;
}

/** Separators must be consistent and groups card-like (2–6 digits): `1 2 3 4 …` is a list, not a card. */
function hasCardGrouping(candidate: string): boolean {
  const hasSpace = candidate.includes(' ');
  const hasDash = candidate.includes('-');
  if (hasSpace && hasDash) return false;
  if (!hasSpace && !hasDash) return true;
  const groups = candidate.split(hasSpace ? ' ' : '-');
  for (const group of groups) if (group.length < 2 || group.length > 6) return false;
  return true;
}

/** Finds Luhn-valid card numbers; an unknown issuer scores below the default threshold unless "card" is near. */
export const paymentCardRecognizer: PiiRecognizer = {
  type: 'payment-card',
  name: 'payment-card',
  contextWords: [
    'card',
    'credit',
    'debit',
    'visa',
    'mastercard',
    'amex',
    'american express',
    'discover',
    'cc',
    'payment',
    'pay',
    'charge',
    'charged',
  ],
  contextBoost: 0.15,
  negativeContextWords: ['order', 'invoice', 'tracking', 'sku', 'ref', 'reference', 'confirmation', 'serial'],
  find(text) {
    const candidates: PiiCandidate[] = [];
    CANDIDATE.lastIndex = 0;
    for (let match = CANDIDATE.exec(text); match !== null; match = CANDIDATE.exec(text)) {
      const raw = match[0];
      if (!hasCardGrouping(raw)) continue;
      const digits = raw.replace(/[ -]/g, '');
      if (/^(\d)\1+$/.test(digits) || !passesLuhn(digits)) continue;
      const issuer = cardIssuer(digits);
      candidates.push({
        start: match.index,
        end: match.index + raw.length,
        score: issuer ? 0.85 : 0.45,
        recognizer: issuer ? `payment-card.${issuer}` : 'payment-card.luhn',
      });
    }
    return candidates;
  },
};
