/**
 * Dates of birth. A date alone is not PII worth masking ("delivered on 03/04/2024"), so this looks
 * for a birth context word first ("born", "DOB", "date of birth", "birthday") and only then for a
 * valid date just after it (or, less surely, just before it).
 */
import type { PiiCandidate, PiiRecognizer } from '../types.js';

const CONTEXT =
  /\b(?:born|dob|d\.o\.b\.?|date\s{1,3}of\s{1,3}birth|birth\s{0,3}date|birth\s{1,3}day|birthday|bday|b-day)(?![a-z])/gi;

/** How far after (and before) the context word a date may start (end). */
const AFTER = 48;
const BEFORE = 32;

const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const ORDINAL = '(?:st|nd|rd|th)?';

// Each pattern is bounded; they run only on the small window around a context word.
const DATE_PATTERNS: Array<{ regex: RegExp; read: (match: RegExpExecArray) => boolean }> = [
  {
    // 1985-03-04, 1985/3/4
    regex: /(?<!\d|\d[/.-])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d|[/.-]\d)/gi,
    read: (match) => isDate(Number(match[1]), Number(match[2]), Number(match[3])),
  },
  {
    // 03/04/1985, 4.3.85, 03-04-1985: month-first or day-first, either will do
    regex: /(?<!\d|\d[/.-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?!\d|[/.-]\d)/gi,
    read: (match) => {
      const year = normaliseYear(match[4] ?? '');
      const first = Number(match[1]);
      const second = Number(match[3]);
      return isDate(year, first, second) || isDate(year, second, first);
    },
  },
  {
    // March 4, 1985 / Mar. 4th 1985
    regex: new RegExp(`\\b${MONTH}\\.?\\s{1,3}(\\d{1,2})${ORDINAL},?\\s{1,3}(\\d{4})(?!\\d)`, 'gi'),
    read: (match) => isDate(Number(match[3]), monthNumber(match[1] ?? ''), Number(match[2])),
  },
  {
    // 4 March 1985 / 4th of March, 1985
    regex: new RegExp(
      `\\b(\\d{1,2})${ORDINAL}\\s{1,3}(?:of\\s{1,3})?${MONTH}\\.?,?\\s{1,3}(\\d{4})(?!\\d)`,
      'gi',
    ),
    read: (match) => isDate(Number(match[3]), monthNumber(match[2] ?? ''), Number(match[1])),
  },
];

function normaliseYear(year: string): number {
  const value = Number(year);
  return year.length === 2 ? 1900 + value : value;
}

function monthNumber(name: string): number {
  const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  return months.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

function isDate(year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** The dates in `text` that start in `from..to` (each may run up to 24 characters past `to`). */
function datesIn(text: string, from: number, to: number): Array<{ start: number; end: number }> {
  const window = text.slice(from, Math.min(text.length, to + 24));
  const found: Array<{ start: number; end: number }> = [];
  for (const { regex, read } of DATE_PATTERNS) {
    regex.lastIndex = 0;
    for (let match = regex.exec(window); match !== null; match = regex.exec(window)) {
      if (from + match.index <= to && read(match)) {
        found.push({ start: from + match.index, end: from + match.index + match[0].length });
      }
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** "Birthday" also introduces cake orders and parties: these words between it and the date veto it. */
const EVENT_WORDS =
  /cake|part(?:y|ies)|order|pick\s?-?up|deliver|celebrat|event|book|appointment|reserv|dinner|gift|surprise/i;

/** A vet's patients are born too; their birth dates are not personal data. */
const ANIMAL_WORDS =
  /\b(?:puppy|puppies|kitten|kittens|dog|cat|pup|litter|foal|calf|horse|pony|rabbit|parrot|pet)s?\b/i;

/** Finds a date right after (score 0.85) or right before (0.7) a birth context word. */
export const dateOfBirthRecognizer: PiiRecognizer = {
  type: 'date-of-birth',
  name: 'date-of-birth',
  find(text) {
    const candidates: PiiCandidate[] = [];
    let covered = 0;
    CONTEXT.lastIndex = 0;
    for (let context = CONTEXT.exec(text); context !== null; context = CONTEXT.exec(text)) {
      const contextEnd = context.index + context[0].length;
      const weak = /^(?:birthday|birth\s{1,3}day|bday|b-day)/i.test(context[0]);
      const after = datesIn(text, contextEnd, Math.min(text.length, contextEnd + AFTER));
      let date = after[0];
      let score = 0.85;
      // "Birthday" before a date is an event far more often than a birth date; only look after it.
      if (date === undefined && !weak) {
        date = datesIn(text, Math.max(0, context.index - BEFORE - 24), context.index)
          .filter((candidate) => candidate.end <= context.index && candidate.end >= context.index - BEFORE)
          .at(-1);
        score = 0.7;
      }
      if (date === undefined || date.start < covered) continue;
      const lead = text.slice(Math.max(0, context.index - 40), context.index);
      if (ANIMAL_WORDS.test(lead)) continue;
      if (weak) {
        const between = text.slice(contextEnd, date.start);
        if (EVENT_WORDS.test(between) || EVENT_WORDS.test(lead.slice(-24))) continue;
        score -= 0.1;
      }
      covered = date.end;
      candidates.push({ start: date.start, end: date.end, score, recognizer: 'date-of-birth' });
    }
    return candidates;
  },
};
