import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blindMessagesB } from './__fixtures__/blind-b.js';
import { blindMessagesB2 } from './__fixtures__/blind-b2.js';
import { blindMessagesB3 } from './__fixtures__/blind-b3.js';
import { blindCriticalMessages } from './__fixtures__/blind-critical.js';
import { heldOutMessages } from './__fixtures__/held-out.js';
import { tuningMessages } from './__fixtures__/tuning.js';
import { tuningMessagesC } from './__fixtures__/tuning-c.js';
import { outOfFold, recordedPenalty, trainedSource, weightsFile } from './__support__/train-weights.js';
import { evaluateUrgency, formatEvaluation } from './evaluate.js';
import { contextCanRaise, scoreUrgency, urgencyLevels } from './urgency.js';

describe('scoreUrgency', () => {
  it.each([
    ['I smell gas in the kitchen', 'critical'],
    ['Our whole office is offline, nobody can work', 'critical'],
    ['The dishwasher is leaking, can someone come today?', 'high'],
    ['Can I book a haircut for Saturday?', 'normal'],
    ['Thanks, the cake was delicious!', 'low'],
  ])('%j is %s, with its reasons', (text, level) => {
    const scored = scoreUrgency(text);
    expect(scored.level).toBe(level);
    if (level !== 'normal') expect(scored.reasons.length).toBeGreaterThan(0);
  });

  it('does not call an inspection about fire extinguishers a fire', () => {
    expect(scoreUrgency('We need the fire extinguisher certificates for next month').level).toBe('normal');
  });

  it('keeps everyday problems at high however many pile up: critical needs danger, fraud or an outage', () => {
    const piled =
      'Refund me today!! Worst service, my order is missing, the oven is broken and I am angry, call me now';
    expect(scoreUrgency(piled).level).toBe('high');
  });

  it('raises a customer who keeps writing, and a conversation already urgent, by context', () => {
    const text = 'Any news on my order?';
    expect(scoreUrgency(text).level).toBe('normal');
    expect(scoreUrgency(text, { recentMessagesFromSender: 3, previousLevel: 'high' }).level).toBe('high');
    // Thanks stay thanks, whatever came before.
    expect(scoreUrgency('Thanks!', { recentMessagesFromSender: 5, previousLevel: 'critical' }).level).toBe(
      'low',
    );
  });

  it('makes a third message within an hour at least high, with the counts as reasons', () => {
    const text = 'Can you call me back about my booking?';
    expect(scoreUrgency(text, { recentMessagesFromSender: 1, messagesInLastHour: 1 }).level).toBe('normal');
    const third = scoreUrgency(text, { recentMessagesFromSender: 2, messagesInLastHour: 2 });
    expect(third.level).toBe('high');
    expect(third.reasons).toEqual([
      'context: 2 earlier messages from this sender in 24 h',
      'context: 2 earlier messages from this sender within an hour',
    ]);
    // Spread over the day, the same three messages stay normal.
    expect(scoreUrgency(text, { recentMessagesFromSender: 2, messagesInLastHour: 0 }).level).toBe('normal');
  });

  it('keeps a follow-up to a critical message at least high, and never makes critical from context alone', () => {
    const followUp = scoreUrgency('Any update?', { previousLevel: 'critical' });
    expect(followUp.level).toBe('high');
    expect(followUp.reasons).toContain('context: follows a critical message in this conversation');
    expect(scoreUrgency('Any update?', { previousLevel: 'normal' }).level).toBe('normal');
    const complaint = 'My order is late again and the box was damaged, I want a refund today!!';
    expect(scoreUrgency(complaint).level).toBe('high');
    expect(
      scoreUrgency(complaint, {
        recentMessagesFromSender: 9,
        messagesInLastHour: 5,
        previousLevel: 'critical',
      }).level,
    ).toBe('high');
    expect(scoreUrgency('I smell gas', { previousLevel: 'low' }).level).toBe('critical');
    expect(
      scoreUrgency('ok thanks, all sorted', { messagesInLastHour: 4, previousLevel: 'critical' }).level,
    ).toBe('low');
  });

  it('only raises: a level with context is never below the level without (fuzzed)', () => {
    const levels = fc.constantFrom(...urgencyLevels);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.nat(20),
        fc.nat(20),
        fc.option(levels, { nil: undefined }),
        (text, recent, lastHour, previousLevel) => {
          const alone = urgencyLevels.indexOf(scoreUrgency(text).level);
          const context = { recentMessagesFromSender: recent, messagesInLastHour: lastHour, previousLevel };
          const withContext = urgencyLevels.indexOf(scoreUrgency(text, context).level);
          expect(withContext).toBeGreaterThanOrEqual(alone);
          if (alone < urgencyLevels.indexOf('critical')) expect(withContext).toBeLessThan(3);
        },
      ),
    );
  });

  it('changes only a normal level by context, as the acknowledgement path assumes (labelled texts, fuzzed context)', () => {
    const texts = [...tuningMessages, ...heldOutMessages].map(([, , text]) => text);
    fc.assert(
      fc.property(
        fc.constantFrom(...texts),
        fc.nat(20),
        fc.nat(20),
        fc.option(fc.constantFrom(...urgencyLevels), { nil: undefined }),
        (text, recent, lastHour, previousLevel) => {
          const alone = scoreUrgency(text).level;
          const context = { recentMessagesFromSender: recent, messagesInLastHour: lastHour, previousLevel };
          if (!contextCanRaise(alone)) expect(scoreUrgency(text, context).level).toBe(alone);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('returns a level for any text (fuzzed)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (text) => {
        expect(urgencyLevels).toContain(scoreUrgency(text).level);
      }),
    );
  });
});

describe('urgency on the labelled sets', () => {
  it('finds the critical messages first written blind to the scorer (seen by its rework since; a regression floor)', () => {
    expect(blindCriticalMessages).toHaveLength(40);
    const found = blindCriticalMessages.filter(([, , text]) => scoreUrgency(text).level === 'critical');
    console.log(
      `blind critical messages: ${found.length} of ${blindCriticalMessages.length} scored critical (22 before the rework)`,
    );
    expect(found.length).toBeGreaterThanOrEqual(38);
  });

  it.each([
    ['this cake was fire, thanks!!', 'low'],
    ['burning question: do you sell gift cards?', 'low'],
    ['no emergency, just wondering if you open sundays', 'low'],
    ['the smoke alarm battery is chirping, can you swap it next week', 'normal'],
    ['is this plant poisonous to cats? thinking of buying one', 'normal'],
    ['can we book the fire safety inspection for next month', 'normal'],
    ['my mum is in hospital so can we move my appointment to next week', 'normal'],
    ['I work at the hospital, any evening slots?', 'normal'],
    ['Can you fire up the grill for our booking?', 'normal'],
    ['the panel is sparking', 'critical'],
    ['someone has just logged into our admin and is changing the payout details', 'critical'],
    ['our website is down and customers cannot check out', 'critical'],
    ['the toddlers got out to the car park', 'critical'],
  ])('reads hazard words in their sense, not alone: %j is %s', (text, level) => {
    expect(scoreUrgency(text).level).toBe(level);
  });

  it('prints precision and recall per level on 240 messages written blind after the rework (floors fixed before it was first scored)', () => {
    expect(blindMessagesB).toHaveLength(240);
    const seen = new Set(
      [...tuningMessages, ...tuningMessagesC, ...heldOutMessages, ...blindCriticalMessages].map(
        ([, , text]) => text,
      ),
    );
    expect(blindMessagesB.filter(([, , text]) => seen.has(text))).toEqual([]);
    const blind = evaluateUrgency(blindMessagesB);
    console.log(`${formatEvaluation('blind set B', blind)}\n${JSON.stringify(blind.confusion)}`);
    expect(blind.accuracy).toBeGreaterThanOrEqual(0.6);
    const critical = blind.levels.find((metrics) => metrics.level === 'critical')!;
    expect(critical.recall).toBeGreaterThanOrEqual(0.7);
  });

  it('prints precision and recall per level on 540 messages the rules were never written from: blind set B, and tuning set C scored out of fold', () => {
    const folds = outOfFold(tuningMessagesC, recordedPenalty());
    expect(folds.size).toBe(300);
    const evaluation = evaluateUrgency(
      [...tuningMessagesC, ...blindMessagesB],
      undefined,
      (text) => folds.get(text) ?? scoreUrgency(text).level,
    );
    console.log(`${formatEvaluation('tuning set C out of fold + blind set B', evaluation)}`);
    expect(evaluation.total).toBe(540);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.6);
    const critical = evaluation.levels.find((metrics) => metrics.level === 'critical')!;
    expect(critical.recall).toBeGreaterThanOrEqual(0.7);
  });

  it('prints precision and recall per level on 400 messages never trained on: blind sets B, B2 and B3 (B2 and B3 written by two more helpers after the model shipped; floors fixed before they were first scored)', () => {
    expect(blindMessagesB2).toHaveLength(80);
    expect(blindMessagesB3).toHaveLength(80);
    const seen = new Set(
      [
        ...tuningMessages,
        ...tuningMessagesC,
        ...heldOutMessages,
        ...blindCriticalMessages,
        ...blindMessagesB,
      ].map(([, , text]) => text),
    );
    const fresh = [...blindMessagesB2, ...blindMessagesB3];
    expect(fresh.filter(([, , text]) => seen.has(text))).toEqual([]);
    expect(new Set(fresh.map(([, , text]) => text)).size).toBe(160);
    const later = evaluateUrgency(fresh);
    const all = evaluateUrgency([...blindMessagesB, ...fresh]);
    console.log(
      `${formatEvaluation('blind sets B2 + B3', later)}\n${JSON.stringify(later.confusion)}\n${formatEvaluation('blind sets B + B2 + B3', all)}`,
    );
    for (const evaluation of [later, all]) {
      expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.6);
      const critical = evaluation.levels.find((metrics) => metrics.level === 'critical')!;
      expect(critical.recall).toBeGreaterThanOrEqual(0.7);
    }
  });

  it('ships the weights a fresh training run on the labelled sets gives (blind set B is not among them)', () => {
    expect(readFileSync(weightsFile, 'utf8')).toBe(trainedSource(recordedPenalty()));
  });

  it('has at least 300 labelled messages, the held-out set apart from the tuning set', () => {
    expect(tuningMessages.length + heldOutMessages.length).toBeGreaterThanOrEqual(300);
    const tuningTexts = new Set(tuningMessages.map(([, , text]) => text));
    expect(heldOutMessages.filter(([, , text]) => tuningTexts.has(text))).toEqual([]);
    for (const level of urgencyLevels) {
      expect(heldOutMessages.filter(([label]) => label === level).length).toBeGreaterThanOrEqual(20);
    }
  });

  it('prints precision and recall per level on the held-out set (floors fixed before it was first scored)', () => {
    const tuning = evaluateUrgency(tuningMessages);
    const heldOut = evaluateUrgency(heldOutMessages);
    console.log(`${formatEvaluation('tuning set', tuning)}\n${formatEvaluation('held-out set', heldOut)}`);
    expect(heldOut.accuracy).toBeGreaterThanOrEqual(0.6);
    const critical = heldOut.levels.find((metrics) => metrics.level === 'critical')!;
    expect(critical.recall).toBeGreaterThanOrEqual(0.7);
  });
});
