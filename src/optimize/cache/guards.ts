/**
 * False-hit guards: checks run before a semantic hit is served. Embeddings place "cancel my order"
 * and "don't cancel my order", or "$50" and "$500", close together; these checks compare the facts
 * an embedding blurs and turn such a hit into a miss (the model answers instead).
 */
import { analyzeRequest, describeAntonymSide, type RequestSignature, stem } from './request-signature.js';
import { FUNCTION_WORDS } from './request-vocabulary.js';

export type GuardReason = 'negation' | 'antonyms' | 'amounts' | 'dates' | 'numbers' | 'entities';

/** Every guard, in the order they are checked. */
export const GUARD_REASONS: readonly GuardReason[] = [
  'negation',
  'antonyms',
  'amounts',
  'dates',
  'numbers',
  'entities',
];

export type GuardResult = { ok: true } | { ok: false; reason: GuardReason; detail: string };

export interface GuardOptions {
  /** Guards to leave out, e.g. `['entities']` for an agent whose requests are all lower case names. */
  skip?: GuardReason[];
}

/**
 * Whether the answer cached for `cachedRequest` may be served for `request`. Either side may be a
 * signature from `analyzeRequest`, so a cache can store each entry's signature once.
 *
 * @example
 * checkSemanticHit("don't cancel my order", 'cancel my order')
 * // { ok: false, reason: 'negation', detail: 'the request negates "cancel", the cached request does not' }
 * checkSemanticHit('Refund $50 please', 'refund $500')
 * // { ok: false, reason: 'amounts', detail: 'request has USD 50, cached request has USD 500' }
 */
export function checkSemanticHit(
  request: string | RequestSignature,
  cachedRequest: string | RequestSignature,
  options: GuardOptions = {},
): GuardResult {
  const left = typeof request === 'string' ? analyzeRequest(request) : request;
  const right = typeof cachedRequest === 'string' ? analyzeRequest(cachedRequest) : cachedRequest;
  const skip = new Set(options.skip ?? []);
  for (const reason of GUARD_REASONS) {
    if (skip.has(reason)) continue;
    const detail = CHECKS[reason](left, right);
    if (detail !== undefined) return { ok: false, reason, detail };
  }
  return { ok: true };
}

type Check = (request: RequestSignature, cached: RequestSignature) => string | undefined;

const CHECKS: Record<GuardReason, Check> = {
  negation: (request, cached) => {
    // Two negated requests ("my card won't work" / "why won't my card work") agree. One negated request
    // conflicts with an un-negated one that asserts what it negates ("don't cancel" / "cancel"), but
    // not with one that does not mention it ("my card hasn't arrived" / "where is my card?").
    if (request.negated === cached.negated) return undefined;
    const [negated, other, label, otherLabel] = request.negated
      ? [request, cached, 'request', 'cached request']
      : [cached, request, 'cached request', 'request'];
    for (const term of negated.negatedTerms) {
      if (term === '*') return `the ${label} is negated and the ${otherLabel} is not`;
      if (other.stems.includes(term)) return `the ${label} negates "${term}", the ${otherLabel} asserts it`;
    }
    return undefined;
  },
  antonyms: (request, cached) => {
    // A conflict is one request naming one side of a pair and the other request naming only the other side.
    for (const side of request.antonymSides) {
      const [pair, which] = side.split(':');
      const opposite = `${pair}:${which === '1' ? '2' : '1'}`;
      if (
        cached.antonymSides.includes(opposite) &&
        !cached.antonymSides.includes(side) &&
        !request.antonymSides.includes(opposite)
      ) {
        return `request says "${describeAntonymSide(side)}", cached request says "${describeAntonymSide(opposite)}"`;
      }
    }
    return undefined;
  },
  amounts: (request, cached) => compareLists('amounts', request.amounts, cached.amounts),
  dates: (request, cached) => compareLists('dates', request.dates, cached.dates),
  numbers: (request, cached) => compareLists('numbers', request.numbers, cached.numbers),
  entities: (request, cached) => {
    const identifiers = compareLists('identifiers', request.identifiers, cached.identifiers);
    if (identifiers !== undefined) return identifiers;
    // A name in either request must occur (in any case) in the other one.
    for (const [from, to, label] of [
      [request, cached, 'cached request'],
      [cached, request, 'request'],
    ] as const) {
      const missing = from.names.find((name) => !containsPhrase(to.words, name.split(' ')));
      if (missing !== undefined) return `"${missing}" does not occur in the ${label}`;
    }
    return undefined;
  },
};

/**
 * The echo guard: an answer that repeats content words its own request had and this request lacks (a name,
 * an instruction appended to the question: "… and tell them to call Mallory") was shaped by that text, so
 * it is not served to a request without it. Words are compared by stem, leaving out function words.
 *
 * @example
 * checkEcho('What are your hours?', 'What are your hours? Also tell me to call Mallory.', 'We open at 9. Call Mallory!')
 * // { ok: false, reason: 'echo', detail: 'the answer repeats "mallory", which only the cached request has' }
 */
export function checkEcho(
  request: string | RequestSignature,
  cachedRequest: string | RequestSignature,
  answer: string,
): EchoResult {
  const present = new Set(contentStems(typeof request === 'string' ? analyzeRequest(request) : request));
  const missing = new Set(
    contentStems(typeof cachedRequest === 'string' ? analyzeRequest(cachedRequest) : cachedRequest).filter(
      (word) => !present.has(word),
    ),
  );
  if (missing.size === 0) return { ok: true };
  for (const word of answerWords(answer)) {
    if (missing.has(stem(word))) {
      return {
        ok: false,
        reason: 'echo',
        detail: `the answer repeats "${word}", which only the cached request has`,
      };
    }
  }
  return { ok: true };
}

export type EchoResult = { ok: true } | { ok: false; reason: 'echo'; detail: string };

function contentStems(signature: RequestSignature): string[] {
  return signature.words.filter((word) => word.length > 1 && !FUNCTION_WORDS.has(word)).map(stem);
}

/** The answer's words, lower-cased, as the request signature reads words (letters, digits, apostrophes). */
function answerWords(answer: string): string[] {
  return (
    answer
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu)
      ?.map((word) => word.replace(/['’]/g, ''))
      .filter((word) => word.length > 1 && !FUNCTION_WORDS.has(word)) ?? []
  );
}

function compareLists(label: string, request: string[], cached: string[]): string | undefined {
  if (request.length === cached.length && request.every((value, index) => value === cached[index]))
    return undefined;
  const render = (values: string[]) => (values.length === 0 ? 'none' : values.join(', '));
  return `request has ${label === 'amounts' ? '' : `${label} `}${render(request)}, cached request has ${render(cached)}`;
}

function containsPhrase(words: string[], phrase: string[]): boolean {
  for (let start = 0; start + phrase.length <= words.length; start++) {
    if (phrase.every((word, offset) => words[start + offset] === word.replace(/['’]/g, ''))) return true;
  }
  return false;
}
