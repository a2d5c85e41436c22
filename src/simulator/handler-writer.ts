/**
 * Stands in for the model when Learn asks it to write a handler offline: it recognises the generation
 * prompt (the `<steward-learn-examples>` block), and writes, deterministically from the prompt's requests
 * alone, a handler: a softmax model over the examples and the labelled neighbouring requests when the
 * prompt has them (softmax-writer.ts), else a keyword handler that answers requests made of the examples'
 * words; both return null on anything else.
 * It is not Claude and writes no clever code; validation judges its handlers like the model's.
 */
import { replyExpression, replyFunctions, replyPlan } from './reply-plan.js';
import { writeSoftmaxHandler } from './softmax-writer.js';
import { stopWords } from './stop-words.js';
import type { SimulatedResponder } from './types.js';

const examplesPattern = /<steward-learn-examples>\s*([\s\S]*?)\s*<\/steward-learn-examples>/;

interface GenerationData {
  examples: Array<{ request: string; reply: string }>;
  nearMisses: string[];
  /** Requests of the neighbouring kinds of request, one list per kind, hardest first. */
  nearMissGroups?: string[][];
  /** Requests of other kinds. */
  background?: string[];
  /** Requests a rolled-back generation failed on: the new handler must return null on them. */
  counterExamples?: string[];
}

/** The examples of a generation prompt, or undefined when the text is not one. */
export function readGenerationPrompt(text: string): GenerationData | undefined {
  const match = examplesPattern.exec(text);
  if (!match) return undefined;
  try {
    const data = JSON.parse(match[1]!) as Partial<GenerationData>;
    if (!Array.isArray(data.examples)) return undefined;
    const groups = Array.isArray(data.nearMissGroups)
      ? data.nearMissGroups.filter((group): group is string[] => Array.isArray(group))
      : [];
    return {
      examples: data.examples,
      nearMisses: Array.isArray(data.nearMisses) ? data.nearMisses : [],
      ...(groups.length > 0
        ? { nearMissGroups: groups, background: Array.isArray(data.background) ? data.background : [] }
        : {}),
      ...(Array.isArray(data.counterExamples) && data.counterExamples.length > 0
        ? { counterExamples: data.counterExamples }
        : {}),
    };
  } catch {
    return undefined;
  }
}

/** The tokeniser the written handler uses too (kept in one string so both agree). */
const tokenizeSource = `function tokens(text) {
    var stop = ${JSON.stringify(stopWords)};
    var words = String(text).toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').replace(/'/g, '').split(' ');
    var out = [];
    for (var i = 0; i < words.length; i++) {
      var word = words[i].replace(/(ing|ed|es|s)$/, '');
      if (word.length >= 3 && !/^[0-9]+$/.test(word) && stop.indexOf(word) < 0 && out.indexOf(word) < 0) out.push(word);
    }
    return out;
  }`;

// The same function, for writing the handler here.
const tokens = new Function(`${tokenizeSource}; return tokens;`)() as (text: string) => string[];

/**
 * The handler's source for these examples: the reply of the examples (the most common one) when the
 * request has a keyword (a word at least a quarter of the examples use), at least half of its words are words
 * the examples use, and it has none of the words only the near misses (or the counter-examples) use, and
 * its words are not those of a counter-example; null otherwise.
 */
export function writeKeywordHandler(data: GenerationData): string {
  const documentFrequency = new Map<string, number>();
  for (const example of data.examples) {
    for (const token of tokens(example.request)) {
      documentFrequency.set(token, (documentFrequency.get(token) ?? 0) + 1);
    }
  }
  const vocabulary = [...documentFrequency.keys()].sort();
  const needed = Math.max(2, Math.ceil(data.examples.length * 0.25));
  const keywords = vocabulary.filter((token) => (documentFrequency.get(token) ?? 0) >= needed);
  const counterExamples = data.counterExamples ?? [];
  const nearMissOnly = [
    ...new Set(
      [...data.nearMisses, ...counterExamples]
        .flatMap((text) => tokens(text))
        .filter((token) => !documentFrequency.has(token)),
    ),
  ].sort();
  // A counter-example made only of the examples' words is refused by its words as a whole.
  const refusedRequests = [...new Set(counterExamples.map((text) => tokens(text).sort().join(' ')))].sort();
  const plan = replyPlan(data.examples);
  const requiredHits = 1;
  return `function handler(request, context) {
  ${tokenizeSource}
  ${replyFunctions(plan)}
  var keywords = ${JSON.stringify(keywords)};
  var vocabulary = ${JSON.stringify(vocabulary)};
  var refuse = ${JSON.stringify(nearMissOnly)};
  var refusedRequests = ${JSON.stringify(refusedRequests)};
  var words = tokens(request.text);
  if (words.length === 0 || keywords.length === 0) return null;
  if (refusedRequests.indexOf(words.slice().sort().join(' ')) >= 0) return null;
  var hits = 0, known = 0;
  for (var i = 0; i < words.length; i++) {
    if (refuse.indexOf(words[i]) >= 0) return null;
    if (keywords.indexOf(words[i]) >= 0) hits++;
    if (vocabulary.indexOf(words[i]) >= 0) known++;
  }
  if (hits < ${requiredHits} || known / words.length < 0.5) return null;
  return ${replyExpression(plan, 'request.text')};
}`;
}

/**
 * The handler for a generation prompt: a softmax handler when the prompt labels the neighbouring kinds of
 * request (src/simulator/softmax-writer.ts), the keyword handler otherwise.
 */
export function writeHandler(data: GenerationData): string {
  if (data.nearMissGroups?.some((group) => group.length > 0)) {
    return writeSoftmaxHandler({
      examples: data.examples,
      nearMissGroups: data.nearMissGroups,
      background: data.background ?? [],
      ...(data.counterExamples ? { counterExamples: data.counterExamples } : {}),
    });
  }
  return writeKeywordHandler(data);
}

/**
 * Answers Learn's generation prompts with `writeHandler` and passes every other request to `fallback`.
 *
 * @example
 * await startSimulatedModel({ respond: writesHandlers(demoResponder) });
 */
export function writesHandlers(fallback: SimulatedResponder): SimulatedResponder {
  return (request, context) => {
    const data = readGenerationPrompt(context.lastUserText);
    if (!data) return fallback(request, context);
    return { text: `\`\`\`javascript\n${writeHandler(data)}\n\`\`\`` };
  };
}
