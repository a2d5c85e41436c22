/**
 * Person names, from the cues people use to introduce, address or sign themselves: "my name is X",
 * "I'm X" (only when X is capitalised and reads like a name), "this is X from …", salutations
 * ("Dear X", "Hi X,"), signatures after "Thanks,", "Regards,", "Best,", titles ("Dr. X"),
 * relations ("my son X"), roles ("the tenant X Y") and bookings ("booking for X at 7").
 * Names anywhere else are deliberately not guessed at: a capitalised word is more often a
 * product, a street or a month.
 */
import type { PiiCandidate, PiiRecognizer } from '../types.js';
import { CUE, CUE_KINDS, type CueKind, DASH_CUE, normaliseCue } from './person-name-cues.js';
import { BUSINESS_WORDS, NOT_NAMES, TITLES } from './person-name-words.js';

// A name word: a capital, then letters, apostrophes or hyphens (O'Neil, Mary-Jane, McDonald), or an initial.
const NAME_WORD = /\p{Lu}[\p{L}\p{M}'’]*(?:-\p{Lu}?[\p{L}\p{M}'’]+)?\.?/uy;
const PARTICLE = /(?:de|del|della|da|di|van|von|der|den|la|le|du|dos|bin|al)\s(?=\p{Lu})/uy;
const MAX_WORDS = 3;

const BASE_SCORE: Record<CueKind, number> = {
  introduction: 0.85,
  self: 0.65,
  'this-is': 0.75,
  salutation: 0.7,
  dear: 0.8,
  signature: 0.7,
  dash: 0.6,
  title: 0.75,
  relation: 0.75,
  role: 0.65,
  contact: 0.8,
};

/** Words that may follow "I'm X" / "this is X" and confirm X is a name. */
const CONFIRMING_NEXT =
  /^(?:[ \t]{0,2}(?:[,.!;:)\n—–]|$)|[ \t]{1,2}(?:from|and|here|with|at|of|calling|again|over)\b)/iu;
/** A salutation or signature name ends its line or clause. */
const CLAUSE_END = /^[ \t]{0,2}(?:[,.!:;)\n—–-]|$)/u;

interface NameSpan {
  start: number;
  end: number;
  words: string[];
}

function isShouted(word: string): boolean {
  return word.length > 1 && word === word.toUpperCase();
}

function readName(text: string, from: number): NameSpan | undefined {
  const words: string[] = [];
  let nameWords = 0;
  let position = from;
  let end = from;
  while (nameWords < MAX_WORDS) {
    if (words.length > 0) {
      if (text[position] !== ' ') break;
      let next = position + 1;
      PARTICLE.lastIndex = next;
      const particle = PARTICLE.exec(text);
      if (particle) next += particle[0].length;
      NAME_WORD.lastIndex = next;
      if (!NAME_WORD.test(text)) break;
      position = next;
    }
    NAME_WORD.lastIndex = position;
    const match = NAME_WORD.exec(text);
    if (!match) break;
    let word = match[0];
    const bare = word.replace(/\.$/u, '').toLowerCase();
    const isTitle = TITLES.has(bare);
    const isInitial = bare.length === 1;
    // A dot after a full word ends the sentence; after a title or an initial it belongs to the name.
    const sentenceEnds = word.endsWith('.') && !isTitle && !isInitial;
    if (sentenceEnds) word = word.slice(0, -1);
    const lower = bare.replace(/[’']s$/u, '');
    if (!isTitle && NOT_NAMES.has(lower)) break;
    if (BUSINESS_WORDS.has(lower)) return undefined;
    if (isTitle && nameWords > 0) break;
    words.push(word);
    if (!isTitle) nameWords++;
    position += word.length;
    end = position;
    if (sentenceEnds) break;
  }
  if (nameWords === 0) return undefined;
  // All-capitals words are shouting or acronyms ("Hi ALL", "URGENT"), not names.
  if (words.every(isShouted)) return undefined;
  return { start: from, end, words };
}

interface NameStart {
  start: number;
  /** "Hello, Irina here": a salutation followed by a comma, which needs stronger confirmation. */
  afterComma: boolean;
}

/** Where the name may start after a cue: same line for most, after a comma and line break for signatures. */
function nameStart(text: string, cueStart: number, cueEnd: number, kind: CueKind): NameStart | undefined {
  if (kind === 'title') {
    // "Dr. Patel": the title is part of the span, and a capitalised word must follow it.
    return TITLE_FOLLOWED_BY_NAME.test(text.slice(cueEnd, cueEnd + 4))
      ? { start: cueStart, afterComma: false }
      : undefined;
  }
  const rest = text.slice(cueEnd, cueEnd + 24);
  const pattern =
    kind === 'signature'
      ? /^[ \t]{0,3}[,!.:—–-]?[ \t]{0,3}(?:\r?\n[ \t]{0,4}){0,2}/u
      : kind === 'salutation'
        ? /^,?[ \t]{1,3}/u
        : kind === 'dash'
          ? /^/u
          : kind === 'contact'
            ? /^(?:[^:\n]{0,16}:|[ \t]{1,3}(?:is|person:?))[ \t]{1,3}/u
            : /^[ \t]{1,3}/u;
  const skip = pattern.exec(rest);
  if (!skip) return undefined;
  // A signature must be separated from its cue by punctuation or a line break, not run on ("Thanks Bob for…").
  if (kind === 'signature' && !/[,!.:—–\n-]/u.test(skip[0])) return undefined;
  return { start: cueEnd + skip[0].length, afterComma: skip[0].startsWith(',') };
}

const TITLE_FOLLOWED_BY_NAME = /^\.?[ \t]{1,2}[A-Z\u00C0-\u00DE]/u;

/** After "Hello," a name must announce itself: "Hello, Irina here" (not "Hi, Will you…"). */
const ANNOUNCING_NEXT = /^[ \t]{1,2}(?:here|from|speaking|again)\b/iu;

function accepts(kind: CueKind, following: string, name: NameSpan, afterComma: boolean): boolean {
  switch (kind) {
    case 'introduction':
    case 'contact':
    case 'title':
    case 'relation':
      return true;
    case 'self':
    case 'this-is':
    case 'role':
      return name.words.length >= 2 || CONFIRMING_NEXT.test(following);
    case 'dear':
      return !/^[ \t]{1,2}\p{Ll}/u.test(following);
    case 'salutation':
      return afterComma ? ANNOUNCING_NEXT.test(following) : CLAUSE_END.test(following);
    case 'signature':
    case 'dash':
      return CLAUSE_END.test(following);
  }
}

/** Reads the name after one cue into `candidates`; returns how far the text is now covered. */
function consider(
  text: string,
  kind: CueKind,
  cueStart: number,
  cueEnd: number,
  covered: number,
  candidates: PiiCandidate[],
): number {
  const position = nameStart(text, cueStart, cueEnd, kind);
  if (position === undefined || position.start < covered) return covered;
  const name = readName(text, position.start);
  if (!name) return covered;
  if (!accepts(kind, text.slice(name.end, name.end + 12), name, position.afterComma)) return covered;
  const score = Math.min(0.95, BASE_SCORE[kind] + (name.words.length >= 2 ? 0.05 : 0));
  candidates.push({ start: name.start, end: name.end, score, recognizer: `person-name.${kind}` });
  // "Guest names: Pierre Lambert and Camille Lambert": a second name joined by and/&.
  const joined = JOINED_NAME.exec(text.slice(name.end, name.end + 6));
  const second = joined ? readName(text, name.end + joined[0].length) : undefined;
  if (second && (second.words.length >= 2 || CLAUSE_END.test(text.slice(second.end, second.end + 4)))) {
    candidates.push({ start: second.start, end: second.end, score, recognizer: `person-name.${kind}` });
    return second.end;
  }
  return name.end;
}

const JOINED_NAME = /^ (?:and|&) /u;

/** Finds names that follow an introduction, salutation, signature, title, relation or role cue. */
export const personNameRecognizer: PiiRecognizer = {
  type: 'person-name',
  name: 'person-name',
  find(text) {
    const candidates: PiiCandidate[] = [];
    let covered = 0;
    CUE.lastIndex = 0;
    for (let cue = CUE.exec(text); cue !== null; cue = CUE.exec(text)) {
      const kind = CUE_KINDS.get(normaliseCue(cue[0]));
      if (kind !== undefined)
        covered = consider(text, kind, cue.index, cue.index + cue[0].length, covered, candidates);
    }
    if (text.includes('-') || text.includes('—') || text.includes('–') || text.includes('~')) {
      DASH_CUE.lastIndex = 0;
      for (let cue = DASH_CUE.exec(text); cue !== null; cue = DASH_CUE.exec(text)) {
        covered = consider(text, 'dash', cue.index, cue.index + cue[0].length, covered, candidates);
      }
      // Dash signatures come after other cues in the text order; keep the output sorted.
      candidates.sort((a, b) => a.start - b.start);
    }
    return candidates;
  },
};
