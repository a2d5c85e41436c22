/**
 * Matches requests to named intents for rule caching: an exact and a regular-expression fast path,
 * then the embedder (nearest example above a per-embedder threshold), then checks that the intent
 * covers the message, so "hi, my card was stolen" is never answered with a greeting.
 */
import { InvalidConfigError } from '../../errors/index.js';
import { dotProduct, type Embedder } from './embedders/index.js';
import { checkSemanticHit, type GuardReason } from './guards.js';
import { BUILT_IN_INTENTS, type IntentDefinition } from './intent-examples.js';
import { normalizeRequest } from './normalize.js';
import { FUNCTION_WORDS } from './request-vocabulary.js';

export { BUILT_IN_INTENTS, type IntentDefinition } from './intent-examples.js';

export interface IntentMatch {
  intent: string;
  /** 1 for the fast paths, else the similarity of the nearest example. */
  score: number;
  via: 'pattern' | 'example' | 'embedding';
  /** The example that matched (absent for a pattern match). */
  example?: string;
}

/** An intent as users define it: by examples, by a regular expression (`'/^hi\\b/i'`), or both. */
export interface IntentInput {
  name: string;
  examples?: string[];
  pattern?: string | RegExp;
  /** Default `question`. */
  coverage?: 'whole' | 'question';
}

/**
 * The nearest-example similarity each embedder needs for an intent match. At these values no banking77
 * test request (none of which is one of these intents) matches with hashing-v1, 5 of 3,080 do with
 * use-v1, and most paraphrases of the examples still match (see intents.test.ts and
 * docs/semantic-cache.md). Embedders not listed use 0.9.
 */
export const INTENT_THRESHOLDS: Readonly<Record<string, number>> = { 'hashing-v1': 0.76, 'use-v1': 0.82 };

export interface IntentMatcherOptions {
  embedder: Embedder;
  /** Intents to recognise: built-in names or own definitions. Default: every built-in intent. */
  intents?: Array<string | IntentInput>;
  /** Nearest-example similarity for a match; default INTENT_THRESHOLDS[embedder.id] ?? 0.9. */
  threshold?: number;
}

// Words that do not change what a short social message means.
const FILLERS = new Set(
  `so very much a lot again there all everyone team guys folks oh ok okay well and great nice cool you u too just
   really lovely wonderful`.split(/\s+/),
);

const MAX_WHOLE_WORDS = 10;
const MAX_QUESTION_CONTENT_WORDS = 8;

interface CompiledIntent {
  definition: IntentDefinition;
  /** A user's regex-only intent is tested on the request as written (trimmed), not the normalised form. */
  testsRawText: boolean;
  vocabulary: Set<string>;
  normalizedExamples: Set<string>;
}

/**
 * @example
 * const matcher = createIntentMatcher({ embedder: createHashingEmbedder() });
 * await matcher.matchIntent('Hello there!') // { intent: 'greeting', score: 1, via: 'pattern' }
 * await matcher.matchIntent('hi, my card was stolen') // null
 */
export class IntentMatcher {
  readonly threshold: number;
  private readonly embedder: Embedder;
  private readonly compiled: CompiledIntent[];
  private exampleVectors:
    | Promise<Array<{ intent: CompiledIntent; example: string; vector: Float32Array }>>
    | undefined;

  constructor(options: IntentMatcherOptions) {
    this.embedder = options.embedder;
    this.threshold = options.threshold ?? INTENT_THRESHOLDS[options.embedder.id.split(':')[0]!] ?? 0.9;
    const inputs = options.intents ?? BUILT_IN_INTENTS.map((intent) => intent.name);
    this.compiled = inputs.map((input) => compile(resolveIntent(input)));
  }

  /** Names of the intents this matcher recognises. */
  get intents(): string[] {
    return this.compiled.map(({ definition }) => definition.name);
  }

  /** The exact and regular-expression fast paths only (no embedding). */
  matchFast(text: string): IntentMatch | null {
    const normalized = normalizeRequest(text);
    if (normalized === '') return null;
    const match = this.matchNormalized(text, normalized);
    if (match) return match;
    // "Hi Sarah!" is a greeting: retry whole-message intents without the names in the message.
    const names = namesIn(text);
    if (names.size === 0) return null;
    const withoutNames = normalized
      .split(' ')
      .filter((word) => !names.has(word))
      .join(' ');
    const retry = withoutNames === '' ? null : this.matchNormalized(text, withoutNames);
    return retry &&
      this.compiled.find(({ definition }) => definition.name === retry.intent)?.definition.coverage ===
        'whole'
      ? retry
      : null;
  }

  private matchNormalized(text: string, normalized: string): IntentMatch | null {
    for (const intent of this.compiled) {
      if (intent.normalizedExamples.has(normalized)) {
        return { intent: intent.definition.name, score: 1, via: 'example', example: normalized };
      }
    }
    for (const { definition, testsRawText } of this.compiled) {
      if (definition.pattern?.test(testsRawText ? text.trim() : normalized)) {
        return { intent: definition.name, score: 1, via: 'pattern' };
      }
    }
    return null;
  }

  /** The intent of `text`, or null when no intent covers it. */
  async matchIntent(text: string): Promise<IntentMatch | null> {
    const fast = this.matchFast(text);
    if (fast) return fast;
    const examples = await this.examples();
    if (examples.length === 0) return null;
    const [vector] = await this.embedder.embed([text]);
    const ranked = examples
      .map((example) => ({ ...example, score: dotProduct(vector!, example.vector) }))
      .filter((candidate) => candidate.score >= this.threshold)
      .sort((left, right) => right.score - left.score);
    for (const candidate of ranked) {
      if (!covers(candidate.intent, text)) continue;
      // Names are allowed in whole-message intents ("Hi Sarah"); coverage already vets every word.
      const skip: GuardReason[] = candidate.intent.definition.coverage === 'whole' ? ['entities'] : [];
      if (!checkSemanticHit(text, candidate.example, { skip }).ok) continue;
      return {
        intent: candidate.intent.definition.name,
        score: candidate.score,
        via: 'embedding',
        example: candidate.example,
      };
    }
    return null;
  }

  private examples(): Promise<Array<{ intent: CompiledIntent; example: string; vector: Float32Array }>> {
    this.exampleVectors ??= (async () => {
      const pairs = this.compiled.flatMap((intent) =>
        intent.definition.examples.map((example) => ({ intent, example })),
      );
      const vectors = await sharedExampleVectors(
        this.embedder,
        pairs.map((pair) => pair.example),
      );
      return pairs.map((pair, index) => ({ ...pair, vector: vectors[index]! }));
    })();
    // A failed embedding (e.g. an HTTP embedder offline) is retried on the next request.
    this.exampleVectors.catch(() => {
      this.exampleVectors = undefined;
    });
    return this.exampleVectors;
  }
}

/**
 * Example vectors by embedder id and text, shared by every matcher: an id names every setting that
 * changes the vectors (see `Embedder.id`), so a server with 1,000 live agents on the built-in intents
 * holds their ~20 vectors of 2 KiB once, not once per agent (~40 MB). Least recently used dropped first.
 */
const exampleVectors = new Map<string, Float32Array>();
const MAX_SHARED_EXAMPLE_VECTORS = 4_096;

async function sharedExampleVectors(embedder: Embedder, texts: string[]): Promise<Float32Array[]> {
  const keyOf = (text: string) => `${embedder.id}\u0000${text}`;
  // Taken before the await: other matchers may drop entries meanwhile.
  const found = new Map<string, Float32Array>();
  for (const text of texts) {
    const vector = exampleVectors.get(keyOf(text));
    if (vector) found.set(text, vector);
  }
  const missing = [...new Set(texts.filter((text) => !found.has(text)))];
  if (missing.length > 0) {
    const vectors = await embedder.embed(missing);
    for (const [index, text] of missing.entries()) found.set(text, vectors[index]!);
  }
  for (const [text, vector] of found) {
    exampleVectors.delete(keyOf(text));
    exampleVectors.set(keyOf(text), vector);
  }
  for (const key of exampleVectors.keys()) {
    if (exampleVectors.size <= MAX_SHARED_EXAMPLE_VECTORS) break;
    exampleVectors.delete(key);
  }
  return texts.map((text) => found.get(text)!);
}

/**
 * @example const matcher = createIntentMatcher({ embedder, intents: ['greeting', { name: 'refunds', examples: ['how do I get a refund?'] }] });
 */
export function createIntentMatcher(options: IntentMatcherOptions): IntentMatcher {
  return new IntentMatcher(options);
}

/**
 * A `/source/flags` string as a RegExp, or undefined when `pattern` is not in that form.
 *
 * @example parseRegexPattern('/^hi\\b/i') // /^hi\b/i
 */
export function parseRegexPattern(pattern: string): RegExp | undefined {
  const match = /^\/(.+)\/([dgimsuvy]*)$/s.exec(pattern);
  if (!match) return undefined;
  try {
    return new RegExp(match[1]!, match[2]!.replace(/[gy]/g, ''));
  } catch (error) {
    throw new InvalidConfigError([
      {
        path: 'pattern',
        received: JSON.stringify(pattern),
        expected: `a valid regular expression (${(error as Error).message})`,
      },
    ]);
  }
}

/**
 * The intent a cache rule's `pattern` names: a built-in or own intent by name, or a regular
 * expression written `/source/flags`, which is tested against the trimmed request as written.
 *
 * @example resolveIntent('greeting').examples.length // 20
 * @example resolveIntent('/^hi\\b/i').pattern // /^hi\b/i
 */
export function resolveIntent(input: string | IntentInput, custom: IntentInput[] = []): IntentDefinition {
  if (typeof input !== 'string') return definitionOf(input);
  const regex = parseRegexPattern(input);
  if (regex) return { name: input, examples: [], pattern: regex, coverage: 'question' };
  const own = custom.find((intent) => intent.name === input);
  if (own) return definitionOf(own);
  const builtIn = BUILT_IN_INTENTS.find((intent) => intent.name === input);
  if (builtIn) return builtIn;
  throw new InvalidConfigError([
    {
      path: 'pattern',
      received: JSON.stringify(input),
      expected: `a built-in intent (${BUILT_IN_INTENTS.map((intent) => intent.name).join(', ')}), an intent you defined, or a regular expression written "/source/flags"`,
    },
  ]);
}

function definitionOf(input: IntentInput): IntentDefinition {
  const pattern = typeof input.pattern === 'string' ? parseRegexPattern(input.pattern) : input.pattern;
  if (typeof input.pattern === 'string' && pattern === undefined) {
    throw new InvalidConfigError([
      {
        path: `intents.${input.name}.pattern`,
        received: JSON.stringify(input.pattern),
        expected: 'a regular expression written "/source/flags"',
      },
    ]);
  }
  if ((input.examples ?? []).length === 0 && pattern === undefined) {
    throw new InvalidConfigError([
      {
        path: `intents.${input.name}`,
        received: 'neither examples nor a pattern',
        expected: 'examples (a few utterances) or a pattern',
      },
    ]);
  }
  return {
    name: input.name,
    examples: input.examples ?? [],
    pattern,
    coverage: input.coverage ?? 'question',
  };
}

function compile(definition: IntentDefinition): CompiledIntent {
  const normalizedExamples = new Set(definition.examples.map(normalizeRequest));
  const vocabulary = new Set([...normalizedExamples].flatMap((example) => example.split(' ')));
  const testsRawText = !BUILT_IN_INTENTS.includes(definition) && definition.examples.length === 0;
  return { definition, testsRawText, vocabulary, normalizedExamples };
}

/** Whether `intent` accounts for (nearly) all of `text`. */
function covers(intent: CompiledIntent, text: string): boolean {
  const words = normalizeRequest(text).split(' ').filter(Boolean);
  if (intent.definition.coverage === 'whole') {
    if (words.length > MAX_WHOLE_WORDS) return false;
    const names = namesIn(text);
    return words.every((word) => intent.vocabulary.has(word) || FILLERS.has(word) || names.has(word));
  }
  const content = words.filter((word) => !FUNCTION_WORDS.has(word));
  if (content.length > MAX_QUESTION_CONTENT_WORDS) return false;
  const known = content.filter((word) => intent.vocabulary.has(word)).length;
  return content.length === 0 || known * 2 >= content.length;
}

/** Capitalised words after the first word ("Hi Sarah" → sarah), lower-cased. */
function namesIn(text: string): Set<string> {
  return new Set((text.match(/(?<=\S\s+)\p{Lu}\p{Ll}+/gu) ?? []).map((name) => name.toLowerCase()));
}
