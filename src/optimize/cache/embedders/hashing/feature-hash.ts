/**
 * The features of the hashing embedder: word unigrams, word bigrams and character 3–5-grams of each
 * word, each reduced to a 32-bit hash (FNV-1a with a murmur3 finaliser) so no vocabulary is stored.
 */

export type FeatureGroup = 'words' | 'bigrams' | 'characters';

const FNV_PRIME = 0x01000193;
// A different FNV offset basis per group keeps "ab" the word apart from "ab" the character n-gram.
const SEEDS: Record<FeatureGroup, number> = {
  words: 0x811c9dc5,
  bigrams: 0x9e3779b9,
  characters: 0x7f4a7c15,
};

/**
 * The murmur3 32-bit finaliser: FNV-1a alone leaves the low bits (the bucket) poorly mixed.
 *
 * @example mix32(fnv1a('hello')) // a well spread unsigned 32-bit integer
 */
export function mix32(hash: number): number {
  let mixed = hash ^ (hash >>> 16);
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  mixed ^= mixed >>> 16;
  return mixed >>> 0;
}

/**
 * 32-bit FNV-1a over the UTF-16 code units of `text`, then mixed; `seed` is the offset basis.
 *
 * @example fnv1a('hello') === fnv1a('hello') // deterministic across processes and platforms
 */
export function fnv1a(text: string, seed = SEEDS.words): number {
  let hash = seed;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), FNV_PRIME);
  }
  return mix32(hash);
}

const APOSTROPHES = /['’ʼ`´]/g;
const TOKEN = /[\p{L}\p{N}]+|[\p{Sc}%]/gu;

/**
 * Lower-cased NFKC words, with apostrophes dropped so "don't" is one token, "dont".
 *
 * @example tokenize("Don't charge me $50!") // ['dont', 'charge', 'me', '$', '50']
 */
export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().replace(APOSTROPHES, '').match(TOKEN) ?? [];
}

/** Counts of each feature hash, per group. */
export type FeatureCounts = Record<FeatureGroup, Map<number, number>>;

/**
 * Hashes every feature of `text` and counts repeats.
 *
 * @example countFeatures('open today').words.size // 2
 */
export function countFeatures(text: string): FeatureCounts {
  const counts: FeatureCounts = { words: new Map(), bigrams: new Map(), characters: new Map() };
  const add = (map: Map<number, number>, hash: number) => map.set(hash, (map.get(hash) ?? 0) + 1);
  const tokens = tokenize(text);
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    add(counts.words, fnv1a(token, SEEDS.words));
    const next = tokens[index + 1];
    if (next !== undefined) add(counts.bigrams, fnv1a(`${token} ${next}`, SEEDS.bigrams));
    addCharacterGrams(`<${token}>`, (hash) => add(counts.characters, hash));
  }
  return counts;
}

/** Character 3-, 4- and 5-grams of a padded word, hashed incrementally from each start position. */
function addCharacterGrams(padded: string, visit: (hash: number) => void): void {
  for (let start = 0; start + 3 <= padded.length; start++) {
    let hash = SEEDS.characters;
    for (let offset = 0; offset < 5 && start + offset < padded.length; offset++) {
      hash = Math.imul(hash ^ padded.charCodeAt(start + offset), FNV_PRIME);
      if (offset >= 2) visit(mix32(hash));
    }
  }
}
