/**
 * Person names, from the cues people use to introduce, address or sign themselves: "my name is X",
 * "I'm X" (only when X is capitalised and reads like a name), "this is X from …", salutations
 * ("Dear X", "Hi X,"), signatures after "Thanks,", "Regards,", "Best,", titles ("Dr. X"),
 * relations ("my son X"), roles ("the tenant X Y") and bookings ("booking for X at 7").
 * Names anywhere else are deliberately not guessed at: a capitalised word is more often a
 * product, a street or a month.
 */
import type { PiiCandidate, PiiRecognizer } from '../types.js';
import { BUSINESS_WORDS, NOT_NAMES, TITLES } from './person-name-words.js';

type CueKind =
  | 'introduction'
  | 'self'
  | 'this-is'
  | 'salutation'
  | 'dear'
  | 'signature'
  | 'dash'
  | 'title'
  | 'relation'
  | 'role';

const RELATIVES =
  'son|daughter|wife|husband|partner|mother|mom|mum|father|dad|brother|sister|friend|colleague|coworker|boss|neighbou?r|grandson|granddaughter|grandmother|grandma|grandfather|grandpa|child|kid|aunt|uncle|cousin|fianc[eé]e?|girlfriend|boyfriend|nephew|niece';
const ROLES =
  'tenant|patient|client|customer|guest|employee|new\\s{1,3}hire|technician|contractor|driver|courier|buyer|landlord|caretaker|nanny';

// One pass finds every cue; the named group says which kind, and each kind has its own rule for
// where the name starts and what must follow it.
const CUE = new RegExp(
  [
    '\\b(?:',
    "(?<introduction>my\\s{1,3}name\\s{1,3}is|my\\s{1,3}name's|name\\s{0,2}:|call\\s{1,3}me",
    '|name\\s{1,3}on\\s{1,3}(?:the\\s{1,3})?(?:card|account)(?:\\s{1,3}is|\\s{0,2}:)?',
    '|(?:contact|attention|attn)(?:[^:\\n]{0,16}:|\\s{1,3}(?:is|person)))',
    "|(?<self>i['’]m|i\\s{1,3}am)",
    "|(?<thisIs>this\\s{1,3}is|it['’]s)",
    '|(?<dear>dear)',
    '|(?<salutation>hi|hello|hey|good\\s{1,3}(?:morning|afternoon|evening))',
    '|(?<signature>thanks(?:\\s{1,3}(?:again|so\\s{1,3}much|a\\s{1,3}lot))?|thank\\s{1,3}you(?:\\s{1,3}(?:again|so\\s{1,3}much))?',
    '|many\\s{1,3}thanks|(?:best|kind|warm|warmest)\\s{1,3}regards|regards|best(?:\\s{1,3}wishes)?|cheers|sincerely',
    '|yours\\s{1,3}(?:truly|sincerely)|respectfully|take\\s{1,3}care|talk\\s{1,3}soon|all\\s{1,3}the\\s{1,3}best)',
    `|(?<relation>(?:my|our|his|her)\\s{1,3}(?:${RELATIVES}))`,
    `|(?<role>(?:the\\s{1,3})?(?:${ROLES})|(?:booking|booked|reservation|reserved|table|appointment)\\s{1,3}(?:is\\s{1,3})?(?:for|under)|under(?:\\s{1,3}the\\s{1,3}name(?:\\s{1,3}of)?)?)`,
    '|(?<title>mr|mrs|ms|miss|mx|dr|prof)(?=\\.?\\s{1,2}\\p{Lu})',
    ")(?![\\w’'])",
    '|(?<dash>(?:^|\\n)[ \\t]{0,4}(?:--|—|–|-|~)[ \\t]{0,2}(?=\\p{Lu}))',
  ].join(''),
  'giu',
);

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
};

/** Words that may follow "I'm X" / "this is X" and confirm X is a name. */
const CONFIRMING_NEXT = /^(?:[ \t]{0,2}(?:[,.!;:)\n—–]|$)|[ \t]{1,2}(?:from|and|here|with|at|of|calling|again|over)\b)/iu;
/** A salutation or signature name ends its line or clause. */
const CLAUSE_END = /^[ \t]{0,2}(?:[,.!:;)\n—–-]|$)/u;

interface NameSpan {
  start: number;
  end: number;
  words: string[];
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
  if (words.every((word) => word.length > 1 && word === word.toUpperCase())) return undefined;
  return { start: from, end, words };
}

function cueKind(groups: Record<string, string | undefined>): CueKind | undefined {
  if (groups.introduction) return 'introduction';
  if (groups.self) return 'self';
  if (groups.thisIs) return 'this-is';
  if (groups.dear) return 'dear';
  if (groups.salutation) return 'salutation';
  if (groups.signature) return 'signature';
  if (groups.relation) return 'relation';
  if (groups.role) return 'role';
  if (groups.title) return 'title';
  if (groups.dash !== undefined) return 'dash';
  return undefined;
}

interface NameStart {
  start: number;
  /** "Hello, Irina here": a salutation followed by a comma, which needs stronger confirmation. */
  afterComma: boolean;
}

/** Where the name may start after a cue: same line for most, after a comma and line break for signatures. */
function nameStart(text: string, cue: RegExpMatchArray & { index: number }, kind: CueKind): NameStart | undefined {
  if (kind === 'title') return { start: cue.index, afterComma: false };
  const cueEnd = cue.index + cue[0].length;
  const rest = text.slice(cueEnd, cueEnd + 12);
  const pattern =
    kind === 'signature'
      ? /^[ \t]{0,3}[,!.:—–-]?[ \t]{0,3}(?:\r?\n[ \t]{0,4}){0,2}/u
      : kind === 'salutation'
        ? /^,?[ \t]{1,3}/u
        : kind === 'dash'
          ? /^/u
          : /^[ \t]{1,3}/u;
  const skip = pattern.exec(rest);
  if (!skip) return undefined;
  // A signature must be separated from its cue by punctuation or a line break, not run on ("Thanks Bob for…").
  if (kind === 'signature' && !/[,!.:—–\n-]/u.test(skip[0])) return undefined;
  return { start: cueEnd + skip[0].length, afterComma: skip[0].startsWith(',') };
}

/** After "Hello," a name must announce itself: "Hello, Irina here" (not "Hi, Will you…"). */
const ANNOUNCING_NEXT = /^[ \t]{1,2}(?:here|from|speaking|again)\b/iu;

function accepts(kind: CueKind, following: string, name: NameSpan, afterComma: boolean): boolean {
  switch (kind) {
    case 'introduction':
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

/** Finds names that follow an introduction, salutation or signature cue. */
export const personNameRecognizer: PiiRecognizer = {
  type: 'person-name',
  name: 'person-name',
  find(text) {
    const candidates: PiiCandidate[] = [];
    let covered = 0;
    for (const cue of text.matchAll(CUE)) {
      const kind = cueKind(cue.groups ?? {});
      if (kind === undefined) continue;
      const position = nameStart(text, cue, kind);
      if (position === undefined || position.start < covered) continue;
      const name = readName(text, position.start);
      if (!name) continue;
      if (!accepts(kind, text.slice(name.end, name.end + 12), name, position.afterComma)) continue;
      covered = name.end;
      candidates.push({
        start: name.start,
        end: name.end,
        score: Math.min(0.95, BASE_SCORE[kind] + (name.words.length >= 2 ? 0.05 : 0)),
        recognizer: `person-name.${kind}`,
      });
    }
    return candidates;
  },
};
