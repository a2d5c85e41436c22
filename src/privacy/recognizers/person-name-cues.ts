/**
 * The phrases that introduce, address or sign off a person's name, by kind, and the one regex
 * that finds them all. The regex is built as a trie (alternatives grouped by shared prefix), which
 * the regex engine scans about three times faster than a flat alternation of the same phrases.
 */

export type CueKind =
  | 'introduction'
  | 'contact'
  | 'self'
  | 'this-is'
  | 'salutation'
  | 'dear'
  | 'signature'
  | 'title'
  | 'relation'
  | 'role'
  | 'dash';

const RELATIVES = `son daughter wife husband partner mother mom mum father dad brother sister friend colleague
  coworker boss neighbor neighbour grandson granddaughter grandmother grandma grandfather grandpa child kid
  aunt uncle cousin fiance fiancé fiancee fiancée girlfriend boyfriend nephew niece`.split(/\s+/);

const ROLES =
  `tenant patient client customer guest employee technician contractor driver courier buyer landlord
  caretaker nanny trainer stylist instructor teacher tutor therapist nurse receptionist manager name`
    .split(/\s+/)
    .concat('new hire');

const BOOKINGS = ['booking', 'booked', 'reservation', 'reserved', 'table', 'appointment'].flatMap((word) => [
  `${word} for`,
  `${word} under`,
  `${word} is for`,
  `${word} is under`,
]);

/** Lower-case phrases; a space stands for 1–3 whitespace characters, an apostrophe for ' or ’. */
export const CUE_PHRASES: Record<Exclude<CueKind, 'dash'>, readonly string[]> = {
  introduction: [
    'my name is',
    "my name's",
    'name:',
    'names:',
    'call me',
    'name on card',
    'name on the card',
    'name on account',
    'name on the account',
    'name on the card is',
    'name on the account is',
    'account holder',
    'account holder:',
    'account holder name:',
    'card holder',
    'cardholder',
    'cardholder name:',
  ],
  contact: ['contact', 'attention', 'attn'],
  self: ["i'm", 'i am'],
  'this-is': ['this is', "it's"],
  dear: ['dear'],
  salutation: ['hi', 'hello', 'hey', 'good morning', 'good afternoon', 'good evening'],
  signature: [
    'thanks',
    'thanks again',
    'thanks so much',
    'thanks a lot',
    'thank you',
    'thank you again',
    'thank you so much',
    'many thanks',
    'regards',
    'best regards',
    'kind regards',
    'warm regards',
    'warmest regards',
    'best',
    'best wishes',
    'cheers',
    'sincerely',
    'yours truly',
    'yours sincerely',
    'respectfully',
    'take care',
    'talk soon',
    'all the best',
  ],
  title: ['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof'],
  relation: RELATIVES.flatMap((relative) =>
    ['my', 'our', 'his', 'her'].map((owner) => `${owner} ${relative}`),
  ),
  role: [...ROLES, ...BOOKINGS, 'under', 'under the name', 'under the name of'],
};

/** `"thanks  again"` → `"thanks again"`, `"I’m"` → `"i'm"`: the key the phrase table is indexed by. */
export function normaliseCue(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').replace(/’/g, "'");
}

export const CUE_KINDS: ReadonlyMap<string, CueKind> = new Map(
  Object.entries(CUE_PHRASES).flatMap(([kind, phrases]) =>
    phrases.map((phrase) => [normaliseCue(phrase), kind as CueKind] as const),
  ),
);

interface TrieNode {
  children: Map<string, TrieNode>;
  terminal: boolean;
}

function escapeCharacter(character: string): string {
  if (character === ' ') return '\\s{1,3}';
  if (character === "'") return "['’]";
  return character.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function trieSource(node: TrieNode): string {
  const branches = [...node.children].map(
    ([character, child]) => escapeCharacter(character) + trieSource(child),
  );
  if (branches.length === 0) return '';
  const body = branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
  // Optional and greedy: the longest phrase wins, a shorter one is the fallback.
  return node.terminal ? `(?:${body})?` : body;
}

function buildCueRegex(): RegExp {
  const root: TrieNode = { children: new Map(), terminal: false };
  for (const phrase of CUE_KINDS.keys()) {
    let node = root;
    for (const character of phrase) {
      let child = node.children.get(character);
      if (!child) {
        child = { children: new Map(), terminal: false };
        node.children.set(character, child);
      }
      node = child;
    }
    node.terminal = true;
  }
  // No `u` flag: it makes the scan several times slower, and every cue is ASCII.
  return new RegExp(`\\b${trieSource(root)}(?![\\w’'])`, 'gi');
}

/** Every cue phrase, as a whole word or phrase, case-insensitively. */
export const CUE = buildCueRegex();

/** A signature after a dash at the start of a line: "— Kofi Boateng". */
export const DASH_CUE = /(?:^|\n)[ \t]{0,4}(?:--|—|–|-|~)[ \t]{0,2}(?=[A-Z\u00C0-\u00DE])/g;
