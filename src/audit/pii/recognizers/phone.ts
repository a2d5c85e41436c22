/**
 * Phone numbers. A cheap regex finds phone-shaped runs (digits with spaces, dots, dashes,
 * parentheses, an optional leading +); libphonenumber-js (full metadata) then parses each in the
 * default region and keeps only numbers valid for their country. International numbers need their
 * `+` (or `00`) prefix; national numbers are read in `defaultRegion`.
 */
import { type PhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { digitsOf } from '../text.js';
import type { PiiCandidate, PiiRecognizer } from '../types.js';

// Starts at '+', '(' or a digit not glued to a word, an id or another number, then 6–17 more
// digits each after an optional ')', up to two separators and an optional '(' (three disjoint
// classes, so every string has one parse and a failed attempt cannot backtrack exponentially).
const CANDIDATE =
  /(?<![\w+#/$€£@.-]|\d[ .-]|[A-Za-z]-)(?:\+|00)?\(?\d(?:\)?[ .-]{0,2}\(?\d){6,17}(?![\w/]|[ .-]?\d|-[A-Za-z]|\.\d)/g;
const EXTENSION = /^\s{0,2}(?:ext\.?|x|extension)\s{0,2}\d{1,6}/i;
/** Looks like an IPv4 address or a dotted date; those have their own recognizers or are not PII. */
const NOT_A_PHONE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$|^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/;

/** Where `value` breaks its digits into groups, as digit counts from the right ("415-555-2671" → 4, 7). */
function breaksFromRight(value: string): Set<number> {
  const breaks = new Set<number>();
  let digits = 0;
  let pendingBreak = false;
  for (let index = value.length - 1; index >= 0; index--) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      if (pendingBreak && digits > 0) breaks.add(digits);
      pendingBreak = false;
      digits++;
    } else {
      pendingBreak = true;
    }
  }
  return breaks;
}

/** Whether every break in `raw` is one the national or international format also makes. */
function groupingFits(raw: string, phone: PhoneNumber): boolean {
  const allowed = new Set([...breaksFromRight(phone.formatNational()), ...breaksFromRight(phone.formatInternational())]);
  const nationalLength = phone.nationalNumber.length;
  for (const position of breaksFromRight(raw)) {
    // Breaks left of the national number (after a country or trunk code) are always fine.
    if (position < nationalLength && !allowed.has(position)) return false;
  }
  return true;
}

/** Finds phone numbers valid for their country per libphonenumber-js. */
export const phoneRecognizer: PiiRecognizer = {
  type: 'phone',
  name: 'phone',
  contextWords: [
    'phone',
    'call',
    'calling',
    'called',
    'tel',
    'telephone',
    'mobile',
    'cell',
    'text',
    'txt',
    'number',
    'reach',
    'whatsapp',
    'fax',
    'landline',
    'contact',
    'ring',
  ],
  contextBoost: 0.15,
  negativeContextWords: [
    'order',
    'invoice',
    'inv',
    'tracking',
    'sku',
    'ref',
    'reference',
    'confirmation',
    'item',
    'model',
    'serial',
    'part',
    'account',
    'acct',
    'routing',
    'po',
    'receipt',
    'ticket',
    'case',
    'isbn',
  ],
  find(text, settings) {
    const candidates: PiiCandidate[] = [];
    for (const match of text.matchAll(CANDIDATE)) {
      const raw = match[0];
      if (NOT_A_PHONE.test(raw)) continue;
      const digits = digitsOf(raw);
      if (digits.length < 7 || digits.length > 15) continue;
      const international = raw.startsWith('+') || raw.startsWith('00');
      const normalised = raw.startsWith('00') ? `+${raw.slice(2)}` : raw;
      const phone = parsePhoneNumberFromString(normalised, settings.defaultRegion);
      if (!phone?.isValid()) continue;
      const formatted = international || /[ ().-]/.test(raw);
      // "7719-004512" parses, but nobody writes a phone number grouped like that: serials and
      // receipt numbers do. Breaks that fit neither the national nor the international format cost.
      const grouping = formatted && !groupingFits(raw, phone) ? 0.3 : 0;
      let end = match.index + raw.length;
      const extension = EXTENSION.exec(text.slice(end, end + 24));
      if (extension) end += extension[0].length;
      candidates.push({
        start: match.index,
        end,
        score: (international ? 0.8 : formatted ? 0.7 : 0.45) - grouping,
        recognizer: international ? 'phone.international' : 'phone.national',
      });
    }
    return candidates;
  },
};
