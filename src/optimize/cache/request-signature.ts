/**
 * What a semantic hit must not change: the facts in a request that an embedding blurs. Extracted once
 * per request (and storable beside a cache entry), compared by the guards in guards.ts.
 */

import {
  AMBIGUOUS_MONTHS,
  ANTONYMS,
  CURRENCY_SYMBOLS,
  CURRENCY_UNITS,
  CURRENCY_WORDS,
  DAY_WORDS,
  MONTHS,
  NEGATION_SCOPE_SKIP,
  NEGATIONS,
  NOT_NAMES,
  NUMBER_WORDS,
  ONE_WORD_PARTICLES,
  PARTICLE_VERBS,
  PERIODS,
  PRONOUN_ONE_BEFORE,
  RELATIVE,
  SCALE_WORDS,
  WEEKDAYS,
} from './request-vocabulary.js';

/** The facts of one request that the guards compare. */
export interface RequestSignature {
  /** Whether the request is negated anywhere ("don't", "not", "never", "without" …). */
  negated: boolean;
  /**
   * What is negated: the stem of the first content word after each negation cue ("don't cancel" →
   * `cancel`), or `*` when a cue has none ("why not?").
   */
  negatedTerms: string[];
  /** Stems of every word, for checking whether the other request asserts what this one negates. */
  stems: string[];
  /** Which side of each antonym pair the request mentions, as `pair:side` (e.g. `lock:1` for "unlock"). */
  antonymSides: string[];
  /** Money and percentages, as `USD 50`, `% 10` (sorted). */
  amounts: string[];
  /** Plain numbers (digits or words), sorted. */
  numbers: string[];
  /** Weekdays, months, days of month, times, relative days, numeric dates (sorted, normalised). */
  dates: string[];
  /** Emails, URLs, phone numbers, codes and ids (lower-cased), sorted. */
  identifiers: string[];
  /** Capitalised names ("Apple Pay", "London"), lower-cased; each must also occur in the other request. */
  names: string[];
  /** The request's lower-cased words, for checking that a name also occurs there. */
  words: string[];
}

const TOKEN = new RegExp(
  [
    String.raw`(?<email>[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,})`,
    String.raw`(?<url>https?:\/\/[^\s]+|www\.[^\s]+)`,
    String.raw`(?<phone>\+\d[\d\s().-]{6,}\d|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b)`,
    String.raw`(?<isoDate>\b\d{4}-\d{1,2}-\d{1,2}\b)`,
    String.raw`(?<slashDate>\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{1,2}\/\d{1,2}\b)`,
    String.raw`(?<time>\b\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)(?![\p{L}])|\b\d{1,2}:\d{2}\b)`,
    String.raw`(?<hashId>#\s?[\p{L}\p{N}-]*\d[\p{L}\p{N}-]*)`,
    String.raw`(?<code>\b\p{L}[\p{L}-]*\d[\p{L}\p{N}-]*\b)`,
    String.raw`(?<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?<unit>[\p{L}]+)?`,
    String.raw`(?<currency>\p{Sc})`,
    '(?<percent>%)',
    String.raw`(?<word>\p{L}+(?:['’]\p{L}+)*)`,
    String.raw`(?<stop>[.!?;:\n]+)`,
  ].join('|'),
  'giu',
);

/** `start` and `end` are offsets in the text, to tell "$ 5" (adjacent) from "$, 5" (not). */
type Token = { start: number; end: number } & (
  | { kind: 'number'; value: number; unit?: string }
  | { kind: 'word'; text: string; lower: string; sentenceStart: boolean }
  | { kind: 'currency'; code: string }
  | { kind: 'percent' }
  | { kind: 'date'; value: string }
  | { kind: 'identifier'; value: string }
);

/**
 * A readable word for an antonym side, e.g. `lock:2` → "unlock".
 *
 * @example describeAntonymSide('open:2') // 'close'
 */
export function describeAntonymSide(side: string): string {
  const [name, which] = side.split(':');
  const pair = ANTONYMS.find(([pairName]) => pairName === name);
  if (pair) return [...(which === '1' ? pair[1] : pair[2])][0] ?? side;
  const verbs = PARTICLE_VERBS.find(([pairName]) => pairName === name);
  if (verbs) return `${[...verbs[1]][0]} ${which === '1' ? verbs[2] : verbs[3]}`;
  return side;
}

/**
 * Extracts the facts guards compare.
 *
 * @example
 * analyzeRequest("Don't charge me $50 on Monday").amounts // ['USD 50']
 */
export function analyzeRequest(text: string): RequestSignature {
  const normalized = text.normalize('NFKC');
  const tokens = tokenize(normalized);
  const words = tokens.filter((token) => token.kind === 'word').map((token) => token.lower);
  const signature: RequestSignature = {
    negated: words.some((word) => NEGATIONS.has(word.replace(/['’]/g, ''))),
    ...negation(words),
    antonymSides: antonymSides(words),
    amounts: [],
    numbers: [],
    dates: [],
    identifiers: [],
    names: names(tokens),
    words: words.map((word) => word.replace(/['’]/g, '')),
  };
  const used = new Set<number>();
  // Amounts: a number with a currency sign or word right before or after it, or a % after it.
  tokens.forEach((token, index) => {
    if (token.kind !== 'number') return;
    // Only a currency right beside the number counts: "$, 3 boxes" is not $3.
    const beside = (other: Token | undefined) =>
      other !== undefined &&
      /^\s*$/.test(normalized.slice(Math.min(other.end, token.end), Math.max(other.start, token.start)));
    const before = beside(tokens[index - 1]) && !used.has(index - 1) ? tokens[index - 1] : undefined;
    const after = beside(tokens[index + 1]) ? tokens[index + 1] : undefined;
    const unitCode = token.unit === undefined ? undefined : CURRENCY_UNITS[token.unit];
    const beforeCode = currencyOf(before);
    const afterCode = currencyOf(after);
    const code = unitCode ?? beforeCode ?? afterCode ?? (after?.kind === 'percent' ? '%' : undefined);
    if (code === undefined) return;
    signature.amounts.push(`${code} ${formatNumber(token.value)}`);
    used.add(index);
    if (unitCode === undefined) used.add(beforeCode !== undefined ? index - 1 : index + 1);
  });
  // A currency named without a number ("can I pay in euros?") is still part of what is asked.
  tokens.forEach((token, index) => {
    const code = currencyOf(token);
    if (code !== undefined && !used.has(index)) signature.amounts.push(code);
  });
  // Dates: days of month beside a month name become part of the date.
  tokens.forEach((token, index) => {
    if (token.kind === 'date') signature.dates.push(token.value);
    if (token.kind === 'identifier') signature.identifiers.push(token.value);
    if (token.kind !== 'number' || used.has(index)) return;
    const near = [tokens[index - 1], tokens[index + 1], tokens[index - 2], tokens[index + 2]];
    const besideMonth = near.some((other) => other?.kind === 'date' && other.value.startsWith('month:'));
    if (besideMonth && token.value >= 1 && token.value <= 31 && Number.isInteger(token.value)) {
      signature.dates.push(`day:${token.value}`);
    } else if (
      token.unit === 'year' ||
      (Number.isInteger(token.value) && token.value >= 1900 && token.value <= 2100)
    ) {
      signature.dates.push(`year:${token.value}`);
    } else if (token.value !== 1) {
      // A count of one says no more than "a": "one card" and "a card" ask the same.
      signature.numbers.push(formatNumber(token.value));
    }
  });
  signature.amounts.sort();
  signature.numbers.sort();
  signature.dates = [...new Set(signature.dates)].sort();
  signature.identifiers = [...new Set(signature.identifiers)].sort();
  return signature;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let sentenceStart = true;
  for (const match of text.matchAll(TOKEN)) {
    const groups = match.groups ?? {};
    const start = match.index ?? 0;
    const raw = match[0];
    const end = start + raw.length;
    if (groups.stop !== undefined) {
      sentenceStart = true;
      continue;
    }
    if (groups.email !== undefined || groups.url !== undefined) {
      tokens.push({ kind: 'identifier', value: raw.toLowerCase().replace(/[.,!?)]+$/, ''), start, end });
    } else if (groups.phone !== undefined) {
      tokens.push({ kind: 'identifier', value: `tel:${raw.replace(/\D/g, '')}`, start, end });
    } else if (groups.isoDate !== undefined || groups.slashDate !== undefined) {
      tokens.push({ kind: 'date', value: `date:${raw.split(/[/.-]/).map(Number).join('-')}`, start, end });
    } else if (groups.time !== undefined) {
      tokens.push({ kind: 'date', value: `time:${normalizeTime(raw)}`, start, end });
    } else if (groups.hashId !== undefined || groups.code !== undefined) {
      tokens.push({ kind: 'identifier', value: raw.replace(/^#\s?/, '').toLowerCase(), start, end });
    } else if (groups.number !== undefined) {
      pushNumber(tokens, groups.number, groups.unit, start, end);
    } else if (groups.currency !== undefined) {
      tokens.push({ kind: 'currency', code: CURRENCY_SYMBOLS[raw] ?? raw, start, end });
    } else if (groups.percent !== undefined) {
      tokens.push({ kind: 'percent', start, end });
    } else if (groups.word !== undefined) {
      pushWord(tokens, raw, sentenceStart, start, end);
    }
    sentenceStart = false;
  }
  return mergeNumberWords(tokens);
}

function pushNumber(
  tokens: Token[],
  digits: string,
  unit: string | undefined,
  start: number,
  end: number,
): void {
  const value = Number(digits.replace(/,/g, ''));
  const lowerUnit = unit?.toLowerCase();
  if (lowerUnit === undefined || /^(st|nd|rd|th)$/.test(lowerUnit)) {
    tokens.push({ kind: 'number', value, start, end });
  } else if (lowerUnit === 'k') {
    tokens.push({ kind: 'number', value: value * 1000, start, end });
  } else if (lowerUnit === 'h' || lowerUnit === 'hrs') {
    tokens.push({ kind: 'number', value, unit: 'hour', start, end });
  } else {
    tokens.push({ kind: 'number', value, unit: lowerUnit, start, end });
  }
}

function pushWord(tokens: Token[], raw: string, sentenceStart: boolean, start: number, end: number): void {
  const lower = raw.toLowerCase();
  const previous = tokens.at(-1);
  const weekday = WEEKDAYS[lower];
  const month = MONTHS[lower];
  const ambiguousMonth = AMBIGUOUS_MONTHS[lower];
  const relative = previous?.kind === 'word' && RELATIVE.has(previous.lower) ? `${previous.lower} ` : '';
  if (weekday !== undefined) {
    tokens.push({ kind: 'date', value: `weekday:${relative}${weekday}`, start, end });
  } else if (month !== undefined) {
    tokens.push({ kind: 'date', value: `month:${month}`, start, end });
  } else if (
    ambiguousMonth !== undefined &&
    ((!sentenceStart && raw[0] !== raw[0]!.toLowerCase()) || previous?.kind === 'number')
  ) {
    tokens.push({ kind: 'date', value: `month:${ambiguousMonth}`, start, end });
  } else if (DAY_WORDS.has(lower)) {
    tokens.push({ kind: 'date', value: `day:${relative}${lower}`, start, end });
  } else if (PERIODS.has(lower) && previous?.kind === 'word' && RELATIVE.has(previous.lower)) {
    tokens.push({ kind: 'date', value: `period:${previous.lower} ${lower}`, start, end });
  } else {
    tokens.push({ kind: 'word', text: raw, lower, sentenceStart, start, end });
  }
}

/** Turns runs of number words ("twenty five", "two hundred") into one number token. */
function mergeNumberWords(tokens: Token[]): Token[] {
  const merged: Token[] = [];
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index]!;
    const previous = tokens[index - 1];
    const isNumberWord = (candidate: Token | undefined) =>
      candidate?.kind === 'word' &&
      (NUMBER_WORDS[candidate.lower] !== undefined || SCALE_WORDS[candidate.lower] !== undefined);
    const pronounOne =
      token.kind === 'word' &&
      token.lower === 'one' &&
      previous?.kind === 'word' &&
      PRONOUN_ONE_BEFORE.has(previous.lower);
    if (
      !isNumberWord(token) ||
      pronounOne ||
      (token.kind === 'word' && token.lower === 'couple' && tokens[index + 1]?.kind !== 'word')
    ) {
      merged.push(token);
      index++;
      continue;
    }
    let total = 0;
    let current = 0;
    let end = token.end;
    const start = token.start;
    while (index < tokens.length) {
      const next = tokens[index]!;
      if (next.kind === 'word' && next.lower === 'and' && isNumberWord(tokens[index + 1]) && current > 0) {
        index++;
        continue;
      }
      if (next.kind !== 'word' || !isNumberWord(next)) break;
      const scale = SCALE_WORDS[next.lower];
      if (scale === undefined) current += NUMBER_WORDS[next.lower]!;
      else if (scale === 100) current = (current || 1) * 100;
      else {
        total += (current || 1) * scale;
        current = 0;
      }
      end = next.end;
      index++;
    }
    merged.push({ kind: 'number', value: total + current, start, end });
  }
  return merged;
}

/** The negated terms (see RequestSignature.negatedTerms) and the stems of all words. */
function negation(words: string[]): { negatedTerms: string[]; stems: string[] } {
  const bare = words.map((word) => word.replace(/['’]/g, ''));
  const negatedTerms = new Set<string>();
  bare.forEach((word, index) => {
    if (!NEGATIONS.has(word)) return;
    const term = bare
      .slice(index + 1, index + 5)
      .find((next) => !NEGATION_SCOPE_SKIP.has(next) && !NEGATIONS.has(next));
    negatedTerms.add(term === undefined ? '*' : stem(term));
  });
  return { negatedTerms: [...negatedTerms].sort(), stems: [...new Set(bare.map(stem))].sort() };
}

/**
 * A light English stemmer, enough to match "works"/"work", "cancelled"/"cancel", "arrived"/"arrive".
 *
 * @example stem('cancelled') // 'cancel'
 */
export function stem(word: string): string {
  let base = word.toLowerCase().replace(/['’]s$/, '');
  const suffix = /(?:ing|ed)$/.exec(base);
  if (suffix && base.length - suffix[0].length >= 2) base = base.slice(0, -suffix[0].length);
  else if (/[^s]es$/.test(base) && base.length > 4) base = base.slice(0, -2);
  else if (/[^s]s$/.test(base) && base.length > 3) base = base.slice(0, -1);
  // "stopped" → stopp → stop, "cancelled" → cancel; "call" → cal as well, so both forms still agree.
  base = base.replace(/([b-df-hj-np-tv-z])\1$/, '$1');
  return base.length >= 3 ? base.replace(/e$/, '') : base;
}

function antonymSides(words: string[]): string[] {
  const bare = words.map((word) => word.replace(/['’]/g, ''));
  const sides = new Set<string>();
  for (const word of bare) {
    for (const [name, first, second] of ANTONYMS) {
      if (first.has(word)) sides.add(`${name}:1`);
      if (second.has(word)) sides.add(`${name}:2`);
    }
    const particle = ONE_WORD_PARTICLES[word];
    if (particle !== undefined) sides.add(particle);
  }
  // "turn it off", "log me out": the particle within three words after the verb.
  bare.forEach((word, index) => {
    for (const [name, verbs, first, second] of PARTICLE_VERBS) {
      if (!verbs.has(word)) continue;
      const following = bare.slice(index + 1, index + 4);
      if (following.includes(first)) sides.add(`${name}:1`);
      else if (following.includes(second)) sides.add(`${name}:2`);
    }
  });
  return [...sides].sort();
}

function names(tokens: Token[]): string[] {
  const words = tokens.filter((token): token is Extract<Token, { kind: 'word' }> => token.kind === 'word');
  const capitalised = (token: (typeof words)[number]) =>
    /^\p{Lu}/u.test(token.text) &&
    !NOT_NAMES.has(token.lower.replace(/['’]/g, '')) &&
    CURRENCY_WORDS[token.lower] === undefined;
  // Title Case or SHOUTED messages capitalise everything: no word in them stands out as a name.
  const inner = words.filter((token) => !token.sentenceStart && token.text.length > 1);
  if (inner.length >= 3 && inner.filter((token) => /^\p{Lu}/u.test(token.text)).length / inner.length >= 0.8)
    return [];
  const found: string[] = [];
  let run: string[] = [];
  let lastIndex = -2;
  tokens.forEach((token, index) => {
    const isName = token.kind === 'word' && !token.sentenceStart && capitalised(token);
    if (isName && index === lastIndex + 1) run.push(token.lower);
    else if (isName) {
      if (run.length > 0) found.push(run.join(' '));
      run = [token.lower];
    }
    if (isName) lastIndex = index;
  });
  if (run.length > 0) found.push(run.join(' '));
  return [...new Set(found)].sort();
}

function currencyOf(token: Token | undefined): string | undefined {
  if (token === undefined) return undefined;
  if (token.kind === 'currency') return token.code;
  if (token.kind === 'word') return CURRENCY_WORDS[token.lower];
  return undefined;
}

function normalizeTime(raw: string): string {
  const lower = raw.toLowerCase().replace(/\./g, '').replace(/\s/g, '');
  const match = /^(\d{1,2})(?::(\d{2}))?(am|pm)?$/.exec(lower);
  if (!match) return lower;
  let hours = Number(match[1]);
  const minutes = match[2] ?? '00';
  if (match[3] === 'pm' && hours < 12) hours += 12;
  if (match[3] === 'am' && hours === 12) hours = 0;
  return `${String(hours).padStart(2, '0')}:${minutes}`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6);
}
