/**
 * Identifiers whose format is local (medical record numbers, insurance member ids): nothing in the
 * id itself says what it is, so they are read only right after a cue phrase ("MRN:", "member ID
 * is"), as an alphanumeric id of plausible length.
 */

/** Separators, filler words and punctuation allowed between a cue and its id ("number is", "#:", "on my card is"). */
const FILLER =
  /[\s:#=,.()–-]{0,4}(?:(?:is|was|are|reads|shows|says|on|from|in|of|my|the|our|his|her|their|your|card|number|no|num|nbr|id)(?![A-Za-z0-9])[\s:#=,.()–-]{0,4}){0,5}/y;

/**
 * An id: up to five groups of letters and digits joined by `-`, `.` or `/`, or by one space when the
 * next group holds a digit within its first four characters ("W2847 19283"), so a following word is
 * never swallowed.
 */
const IDENTIFIER =
  /[A-Za-z0-9]{1,20}(?:(?:[-./]|\s(?=[A-Za-z]{0,3}\d))[A-Za-z0-9]{1,20}){0,4}(?![A-Za-z0-9@])/y;

/** A date written as an id would be (2024-03-11, 06/02/2024): never an identifier here. */
const DATE_LIKE = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$/;

const MIN_CHARACTERS = 5;
const MAX_CHARACTERS = 20;
const MIN_DIGITS = 4;

/**
 * The id that follows a cue ending at `from`, or undefined: 5–20 letters and digits (separators
 * not counted), at least four of them digits, and not a date.
 *
 * @example identifierAfter('MRN: 00482913, DOB …', 3) // { start: 5, end: 13 }
 */
export function identifierAfter(text: string, from: number): { start: number; end: number } | undefined {
  FILLER.lastIndex = from;
  const start = FILLER.exec(text) === null ? from : FILLER.lastIndex;
  IDENTIFIER.lastIndex = start;
  const match = IDENTIFIER.exec(text);
  if (match === null) return undefined;
  const value = match[0];
  let characters = 0;
  let digits = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      digits++;
      characters++;
    } else if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) {
      characters++;
    }
  }
  if (characters < MIN_CHARACTERS || characters > MAX_CHARACTERS || digits < MIN_DIGITS) return undefined;
  if (DATE_LIKE.test(value)) return undefined;
  return { start, end: start + value.length };
}
