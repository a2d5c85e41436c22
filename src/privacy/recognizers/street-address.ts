/**
 * Street addresses written the US/UK way: a house number, one to four capitalised street-name
 * words and a street suffix (St, Street, Ave, Road, Blvd …), then optionally a unit ("Apt 4B",
 * "Suite 200") and a city with a state and ZIP or a UK postcode. PO boxes too.
 */
import type { PiiCandidate, PiiRecognizer } from '../types.js';

const SUFFIX =
  '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Crescent|Close|Alley|Loop|Pike|Row|Mews|Gardens)';
const DIRECTION = '(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\\.?';
const NAME_WORD = "(?:[A-Z][A-Za-z'’-]*\\.?|\\d{1,3}(?:st|nd|rd|th))";
const UNIT = '(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Rm|Room|Bldg|#)';
const CITY = "[A-Z][A-Za-z.’'-]*(?:[ -][A-Z][A-Za-z.’'-]*){0,2}";
const US_TAIL = '(?:,?\\s{1,3}[A-Z]{2}(?:\\s{1,3}\\d{5}(?:-\\d{4})?)?(?![\\w-]))';
const UK_POSTCODE = '(?:,?\\s{1,3}[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2}(?!\\w))';

// Every repetition consumes a word and its following space, and all counts are bounded, so a
// failed attempt costs a handful of steps at most.
const STREET = new RegExp(
  `(?<![\\w#$.,/-])\\d{1,6}[A-Za-z]?(?:-\\d{1,4})?\\s{1,3}(?:${DIRECTION}\\s{1,3})?(?:${NAME_WORD}\\s{1,3}){1,4}${SUFFIX}(?![\\w'’-])` +
    `(?:\\.?(?:,?\\s{1,3}${DIRECTION}(?!\\w)))?` +
    `(?<unit>\\.?,?\\s{1,3}${UNIT}\\.?\\s{0,2}#?[A-Za-z0-9-]{1,6}(?!\\w))?` +
    `(?<city>\\.?,\\s{0,3}${CITY}(?:${US_TAIL}|${UK_POSTCODE}))?`,
  'g',
);

const PO_BOX = /\bP\.?\s?O\.?\s?Box\s{1,3}\d{1,6}\b/gi;

/** Finds street addresses (0.7, or 0.85 with a city and state/postcode) and PO boxes (0.75). */
export const streetAddressRecognizer: PiiRecognizer = {
  type: 'street-address',
  name: 'street-address',
  contextWords: [
    'address',
    'live at',
    'located at',
    'deliver',
    'delivery',
    'ship',
    'shipping',
    'billing',
    'mailing',
    'send it to',
    'come to',
    'moved to',
    'house',
    'home',
  ],
  contextBoost: 0.1,
  find(text) {
    const candidates: PiiCandidate[] = [];
    STREET.lastIndex = 0;
    for (let match = STREET.exec(text); match !== null; match = STREET.exec(text)) {
      candidates.push({
        start: match.index,
        end: match.index + match[0].length,
        score: match.groups?.city ? 0.85 : 0.7,
        recognizer: 'street-address',
      });
    }
    if (/box/i.test(text)) {
      PO_BOX.lastIndex = 0;
      for (let match = PO_BOX.exec(text); match !== null; match = PO_BOX.exec(text)) {
        candidates.push({
          start: match.index,
          end: match.index + match[0].length,
          score: 0.75,
          recognizer: 'street-address.po-box',
        });
      }
    }
    return candidates;
  },
};
