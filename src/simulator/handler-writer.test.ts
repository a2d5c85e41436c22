import { describe, expect, it } from 'vitest';
import { readGenerationPrompt, writeKeywordHandler } from './handler-writer.js';

const examples = [
  'when do you open on monday',
  'what are your opening hours',
  'are you open on saturday',
  'opening hours on sunday',
  'when do you open tomorrow',
  'what time do you open',
].map((request) => ({ request, reply: 'We are open 9 to 5.' }));

function promptOf(data: object): string {
  return `Write a handler.\n<steward-learn-examples>\n${JSON.stringify(data)}\n</steward-learn-examples>`;
}

function handlerOf(code: string): (request: { text: string }) => string | null {
  return new Function(`${code}; return handler;`)() as (request: { text: string }) => string | null;
}

describe('readGenerationPrompt', () => {
  it('keeps the counter-examples of a regeneration prompt', () => {
    const data = readGenerationPrompt(
      promptOf({ examples, nearMisses: [], counterExamples: ['are you open on easter monday'] }),
    );
    expect(data?.counterExamples).toEqual(['are you open on easter monday']);
    expect(readGenerationPrompt(promptOf({ examples, nearMisses: [] }))?.counterExamples).toBeUndefined();
  });
});

describe('writeKeywordHandler', () => {
  it('returns null on the counter-examples it is given, and still answers the examples', () => {
    const counterExample = 'when do you open on saturday';
    const without = handlerOf(
      writeKeywordHandler(readGenerationPrompt(promptOf({ examples, nearMisses: [] }))!),
    );
    expect(without({ text: counterExample })).toBe('We are open 9 to 5.');
    const data = readGenerationPrompt(
      promptOf({ examples, nearMisses: [], counterExamples: [counterExample] }),
    )!;
    const handler = handlerOf(writeKeywordHandler(data));
    expect(handler({ text: counterExample })).toBeNull();
    expect(handler({ text: 'When do you open, on Saturday?' })).toBeNull();
    expect(handler({ text: 'what time do you open' })).toBe('We are open 9 to 5.');
  });
});
