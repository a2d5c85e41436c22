import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../errors/index.js';
import { intentFalsePositives } from './calibration.js';
import { createHashingEmbedder } from './embedders/hashing/hashing-embedder.js';
import {
  BUILT_IN_INTENTS,
  createIntentMatcher,
  INTENT_THRESHOLDS,
  parseRegexPattern,
  resolveIntent,
} from './intents.js';
import { parseLabelledCsv } from './labelled-csv.js';

const embedder = createHashingEmbedder();
const matcher = createIntentMatcher({ embedder });
const banking77Test = new URL('../../../../shared/data/banking77/test.csv', import.meta.url);

describe('built-in intents', () => {
  it('are greeting, thanks, goodbye, opening_hours, location, contact and payment_methods, each with 15–20 examples', () => {
    expect(BUILT_IN_INTENTS.map((intent) => intent.name)).toEqual([
      'greeting',
      'thanks',
      'goodbye',
      'opening_hours',
      'location',
      'contact',
      'payment_methods',
    ]);
    for (const intent of BUILT_IN_INTENTS) {
      expect(intent.examples.length).toBeGreaterThanOrEqual(15);
      expect(intent.examples.length).toBeLessThanOrEqual(20);
    }
    expect(matcher.intents).toHaveLength(7);
    expect(matcher.threshold).toBe(INTENT_THRESHOLDS['hashing-v1']);
  });

  it.each([
    ['Hello!', 'greeting'],
    ['hey there', 'greeting'],
    ['Good morning', 'greeting'],
    ['Hi Sarah!', 'greeting'],
    ['Thanks so much!', 'thanks'],
    ['thank you very much', 'thanks'],
    ['Cheers', 'thanks'],
    ['Bye!', 'goodbye'],
    ['have a nice day', 'goodbye'],
    ['What are your opening hours?', 'opening_hours'],
    ['when do you close', 'opening_hours'],
    ['Where are you located?', 'location'],
    ["What's your phone number?", 'contact'],
    ['Do you take cards?', 'payment_methods'],
  ])('matches %j as %s on the fast path (score 1, no embedding)', async (text, intent) => {
    expect(matcher.matchFast(text)).toMatchObject({ intent, score: 1 });
    expect(await matcher.matchIntent(text)).toMatchObject({ intent, score: 1 });
  });

  it.each([
    ['hello, good afternoon', 'greeting'],
    ['great, thanks a lot', 'thanks'],
    ['ok thank you', 'thanks'],
    ['Bye, take care', 'goodbye'],
    ['When are you open until?', 'opening_hours'],
    ['at what time do you close', 'opening_hours'],
    ['where is your office located?', 'location'],
    ['Can I pay in cash?', 'payment_methods'],
  ])('matches the paraphrase %j as %s through the embedder', async (text, intent) => {
    expect(matcher.matchFast(text)).toBeNull();
    const match = await matcher.matchIntent(text);
    expect(match).toMatchObject({ intent, via: 'embedding' });
    expect(match!.score).toBeGreaterThanOrEqual(matcher.threshold);
  });

  it.each([
    'hi, my card was stolen',
    'Hello, I need to cancel my order',
    'thanks but my refund still has not arrived',
    'bye, and please close my account',
    'hi can you help me reset my password',
    'thanks for nothing',
    'Where is my order?',
    'What time is my appointment?',
    'Are you open on Christmas day?',
    'Are you open on Sunday?',
    'When will my package arrive?',
    'Can I pay my bill online?',
    'How do I contact my bank about a fraud?',
    'Do you accept Google Pay?',
    'Where is the nearest ATM?',
    'Do you accept returns?',
    'Thanks Visa, my card is blocked',
    '',
    '?!',
  ])('does not match %j (it says more than the intent, or something else)', async (text) => {
    expect(await matcher.matchIntent(text)).toBeNull();
  });

  it.skipIf(!existsSync(banking77Test))(
    'matches (almost) none of banking77’s 3,080 test requests',
    async () => {
      const texts = parseLabelledCsv(readFileSync(banking77Test, 'utf8')).map((row) => row.text);
      const report = await intentFalsePositives(matcher, texts);
      expect(report.total).toBe(3080);
      expect(report.matched).toBeLessThanOrEqual(3);
    },
  );
});

describe('user-defined intents', () => {
  it('matches by examples', async () => {
    const custom = createIntentMatcher({
      embedder,
      intents: [
        {
          name: 'gluten_free',
          examples: ['do you have gluten free bread?', 'is there anything gluten free?'],
        },
      ],
    });
    expect(custom.intents).toEqual(['gluten_free']);
    expect(await custom.matchIntent('Do you have gluten-free bread?')).toMatchObject({
      intent: 'gluten_free',
      score: 1,
    });
    expect(await custom.matchIntent('do you have any gluten free bread')).toMatchObject({
      intent: 'gluten_free',
    });
    expect(await custom.matchIntent('hello')).toBeNull();
  });

  it('matches a regular expression given as "/source/flags" against the request as written', async () => {
    const custom = createIntentMatcher({ embedder, intents: ['/^hi\\b/i', 'thanks'] });
    expect(await custom.matchIntent('Hi, my card was stolen')).toMatchObject({
      intent: '/^hi\\b/i',
      via: 'pattern',
    });
    expect(await custom.matchIntent('this is high')).toBeNull();
    expect(await custom.matchIntent('thanks!')).toMatchObject({ intent: 'thanks' });
  });

  it('resolves rule patterns: built-in names, own intents and regular expressions', () => {
    expect(resolveIntent('greeting').examples.length).toBe(20);
    expect(resolveIntent('refunds', [{ name: 'refunds', examples: ['refund please'] }]).examples).toEqual([
      'refund please',
    ]);
    expect(resolveIntent('/^(hi|hello)$/').pattern).toEqual(/^(hi|hello)$/);
    expect(parseRegexPattern('/^hi\\b/gi')).toEqual(/^hi\b/i);
    expect(parseRegexPattern('greeting')).toBeUndefined();
  });

  it('rejects unknown intents, broken regular expressions and empty definitions with InvalidConfigError', () => {
    expect(() => resolveIntent('greetings')).toThrow(InvalidConfigError);
    expect(() => resolveIntent('greetings')).toThrow(/built-in intent \(greeting, thanks/);
    expect(() => parseRegexPattern('/(unclosed/')).toThrow(/valid regular expression/);
    expect(() => createIntentMatcher({ embedder, intents: [{ name: 'empty' }] })).toThrow(
      /examples .* or a pattern/,
    );
    expect(() => createIntentMatcher({ embedder, intents: [{ name: 'bad', pattern: 'hi' }] })).toThrow(
      /source\/flags/,
    );
  });

  it('embeds the examples once for all matchers whose embedders share an id (one copy for every live agent)', async () => {
    const embedded: string[] = [];
    const counting = (id: string) => ({
      id,
      dimensions: 512,
      embed: async (texts: string[]) => {
        embedded.push(...texts);
        return embedder.embed(texts);
      },
    });
    const request = 'hey there, how are you doing';
    const options = { intents: ['greeting'], threshold: 0.5 };
    await createIntentMatcher({ embedder: counting('counting-a'), ...options }).matchIntent(request);
    expect(embedded.length).toBeGreaterThan(10);
    embedded.length = 0;
    const second = createIntentMatcher({ embedder: counting('counting-a'), ...options });
    expect(await second.matchIntent(request)).toMatchObject({ intent: 'greeting' });
    expect(embedded).toEqual([request]);
    // An embedder with another id (another model or setting) embeds them again.
    embedded.length = 0;
    await createIntentMatcher({ embedder: counting('counting-b'), ...options }).matchIntent(request);
    expect(embedded.length).toBeGreaterThan(10);
  });

  it('retries embedding the examples after a failure', async () => {
    let calls = 0;
    const flaky = {
      id: 'flaky',
      dimensions: 512,
      embed: async (texts: string[]) => {
        calls++;
        if (calls === 1) throw new Error('offline');
        return embedder.embed(texts);
      },
    };
    const custom = createIntentMatcher({ embedder: flaky, intents: ['greeting'], threshold: 0.5 });
    await expect(custom.matchIntent('hey there, how are you doing')).rejects.toThrow('offline');
    expect(await custom.matchIntent('hey there, how are you doing')).toMatchObject({ intent: 'greeting' });
  });
});
