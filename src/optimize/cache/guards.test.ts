import { describe, expect, it } from 'vitest';
import { checkSemanticHit, GUARD_REASONS, type GuardReason } from './guards.js';
import { analyzeRequest, stem } from './request-signature.js';

/** Pairs that must NOT be served for each other, with the guard that catches them. */
const FALSE_HITS: Array<[string, string, GuardReason]> = [
  // The examples.
  ['cancel my order', "don't cancel my order", 'negation'],
  ['Refund $50', 'Refund $500', 'amounts'],
  // Negation in its forms.
  ['I want to cancel my order', 'I do not want to cancel my order', 'negation'],
  ['My card works', 'My card doesn’t work', 'negation'],
  ['Charge my card', 'Never charge my card', 'negation'],
  ['Is there a fee?', 'Is there no fee?', 'negation'],
  ['Can I order the cake with nuts', 'Can I order the cake without nuts', 'negation'],
  ['why can I log in', "why can't I log in", 'negation'],
  ['I cannot pay', 'I can pay', 'negation'],
  ["I haven't received my card", 'I received my card but it works badly', 'negation'],
  ['Why is my top-up not working?', 'My top-up is working', 'negation'],
  // Antonyms of support verbs.
  ['How do I open an account?', 'How do I close an account?', 'antonyms'],
  ['activate my card', 'deactivate my card', 'antonyms'],
  ['increase my limit', 'decrease my limit', 'antonyms'],
  ['add a user to my plan', 'remove a user from my plan', 'antonyms'],
  ['enable notifications', 'disable notifications', 'antonyms'],
  ['how do I lock my card', 'how do I unlock my card', 'antonyms'],
  ['turn on two factor login', 'turn off two factor login', 'antonyms'],
  ['how do I turn my alerts off', 'how do I turn on my alerts', 'antonyms'],
  ['how do I log in', 'how do I log out', 'antonyms'],
  ['I want to cancel my subscription', 'I want to keep my subscription', 'antonyms'],
  ['block my card', 'unblock my card', 'antonyms'],
  ['freeze my account', 'unfreeze my account', 'antonyms'],
  ['upgrade my plan', 'downgrade my plan', 'antonyms'],
  ['I sent money', 'I received money', 'antonyms'],
  ['Is the credit card free?', 'Is the debit card free?', 'antonyms'],
  // Amounts and currencies.
  ['Can I withdraw $50?', 'Can I withdraw $500?', 'amounts'],
  ['send 20 euros', 'send 20 dollars', 'amounts'],
  ['send €20', 'send £20', 'amounts'],
  ['Is the fee 1.5%?', 'Is the fee 2.5%?', 'amounts'],
  ['I was charged 10 USD', 'I was charged 100 USD', 'amounts'],
  ['Can I pay in dollars?', 'Can I pay in euros?', 'amounts'],
  ['Refund 5k', 'Refund 5,500', 'numbers'],
  // Plain numbers.
  ['I want 2 cakes', 'I want 3 cakes', 'numbers'],
  ['a table for two', 'a table for four', 'numbers'],
  ['a table for 2', 'a table for twenty', 'numbers'],
  ['I ordered twenty five boxes', 'I ordered 24 boxes', 'numbers'],
  ['my card expires in 3 days', 'my card expired 30 days ago', 'numbers'],
  // Dates, times and days.
  ['Are you open on Monday?', 'Are you open on Tuesday?', 'dates'],
  ['Can I book for 3pm?', 'Can I book for 5pm?', 'dates'],
  ['Can I book for 3:30 pm?', 'Can I book for 3 pm?', 'dates'],
  ['Is the table free at 15:00?', 'Is the table free at 17:00?', 'dates'],
  ['deliver it today', 'deliver it tomorrow', 'dates'],
  ['Are you open this weekend?', 'Are you open next weekend?', 'dates'],
  ['Can I come on May 5th?', 'Can I come on May 6th?', 'dates'],
  ['Is it due on 2024-05-01?', 'Is it due on 2024-06-01?', 'dates'],
  ['Are you open in December?', 'Are you open in January?', 'dates'],
  ['Are you open at Christmas?', 'Are you open at Easter?', 'dates'],
  ['Are you open in the morning?', 'Are you open in the evening?', 'dates'],
  ['What did I pay in 2023?', 'What did I pay in 2024?', 'dates'],
  // Entities: names, emails, codes, order ids, phone numbers.
  ['Can I fly to London?', 'Can I fly to Paris?', 'entities'],
  ['Is Apple Pay supported?', 'Is Google Pay supported?', 'entities'],
  ['Where is order #12345?', 'Where is order #12346?', 'entities'],
  ['Where is order ORD-5521?', 'Where is order ORD-5522?', 'entities'],
  ['email the receipt to ann@example.com', 'email the receipt to bob@example.com', 'entities'],
  ['Call me on +44 20 7946 0958', 'Call me on +44 20 7946 0959', 'entities'],
  ['Is product SKU42 in stock?', 'Is product SKU43 in stock?', 'entities'],
  ['Do you deliver to Springfield?', 'Do you deliver to my town?', 'entities'],
];

/** Pairs that mean the same and must still be served for each other. */
const SAME_MEANING: Array<[string, string]> = [
  ['cancel my order', 'Please cancel my order!'],
  ['What time do you open?', 'what time do you open'],
  ['My card hasn’t arrived', 'My card has not arrived'],
  ["I don't know my PIN", 'I do not remember my PIN'],
  ['Refund $50', 'refund 50 dollars'],
  ['I was charged €1,000.50', 'I was charged 1000.50 EUR'],
  ['I want two cakes', 'I want 2 cakes'],
  ['Book at 3pm', 'book at 3 PM'],
  ['Book at 15:00', 'book for 3pm'],
  ['Book for Monday', 'book for monday'],
  ['can i fly to paris', 'Can I fly to Paris?'],
  ['WHERE IS MY CARD', 'where is my card'],
  ['Where Is My Card', 'where is my card'],
  ['May I pay later?', 'may i pay later'],
  ['I need a new one', 'I need a new card'],
  ['How do I open an account?', 'How can I open a new account?'],
  ['Is there a fee for top ups?', 'Do top ups cost anything?'],
  ['Hi, I lost my card', 'I lost my card'],
  ['I’m in London, can I use my card?', "I'm in London and want to use my card"],
  ['What is the exchange rate?', 'What exchange rate do you use?'],
  // A negation of something the other request does not assert is the same question.
  ["My card hasn't arrived yet", 'Where is my card?'],
  ['I still have not received my card', 'When will my card come?'],
  ["I don't see my refund", 'Where is my refund?'],
  ["My card won't work.", "Why won't my card work?"],
  ['My card has not arrived yet.', "Why hasn't my card arrived yet?"],
];

describe('checkSemanticHit', () => {
  it.each(FALSE_HITS)('refuses %j for %j (%s)', (request, cached, reason) => {
    const verdict = checkSemanticHit(request, cached);
    expect(verdict).toMatchObject({ ok: false, reason });
    // Symmetric: the answer to either must not be served for the other.
    expect(checkSemanticHit(cached, request)).toMatchObject({ ok: false, reason });
  });

  it.each(SAME_MEANING)('serves %j for %j', (request, cached) => {
    expect(checkSemanticHit(request, cached)).toEqual({ ok: true });
    expect(checkSemanticHit(cached, request)).toEqual({ ok: true });
  });

  it('explains each refusal', () => {
    expect(checkSemanticHit('Refund $50', 'refund $500')).toEqual({
      ok: false,
      reason: 'amounts',
      detail: 'request has USD 50, cached request has USD 500',
    });
    expect(checkSemanticHit("don't cancel my order", 'cancel my order')).toEqual({
      ok: false,
      reason: 'negation',
      detail: 'the request negates "cancel", the cached request asserts it',
    });
    expect(checkSemanticHit('Why not?', 'Why?')).toMatchObject({
      detail: 'the request is negated and the cached request is not',
    });
    expect(checkSemanticHit('how do I lock my card', 'how do I unlock my card')).toMatchObject({
      detail: 'request says "lock", cached request says "unlock"',
    });
    expect(checkSemanticHit('Can I fly to London?', 'Can I fly to Paris?')).toMatchObject({
      detail: '"london" does not occur in the cached request',
    });
  });

  it('accepts signatures computed ahead of time (stored with a cache entry)', () => {
    const cached = analyzeRequest('Refund $500');
    expect(checkSemanticHit('Refund $50', cached)).toMatchObject({ ok: false, reason: 'amounts' });
    expect(checkSemanticHit(analyzeRequest('refund 500 dollars'), cached)).toEqual({ ok: true });
  });

  it('can skip guards, and checks them in a fixed order', () => {
    expect(checkSemanticHit('Can I fly to London?', 'Can I fly to Paris?', { skip: ['entities'] })).toEqual({
      ok: true,
    });
    // Both negation and amounts differ: negation is reported first.
    expect(checkSemanticHit("don't refund $50", 'refund $500')).toMatchObject({ reason: 'negation' });
    expect(GUARD_REASONS).toEqual(['negation', 'antonyms', 'amounts', 'dates', 'numbers', 'entities']);
  });

  it('does not flag an antonym mentioned by both requests', () => {
    expect(checkSemanticHit('open or close my account?', 'close or open my account?')).toEqual({ ok: true });
    expect(checkSemanticHit('how do I open an account', 'open an account and close the old one')).toEqual({
      ok: true,
    });
  });
});

describe('analyzeRequest', () => {
  it('extracts amounts, numbers, dates and identifiers', () => {
    const signature = analyzeRequest(
      'Call +1 555 123 4567 about SKU-42X on 2024-05-01 at 3:30 p.m. next Monday: twenty five hundred dollars, 3 boxes, 10%',
    );
    expect(signature.amounts).toEqual(['% 10', 'USD 2500']);
    expect(signature.numbers).toEqual(['3']);
    expect(signature.dates).toEqual(['date:2024-5-1', 'time:15:30', 'weekday:next mon']);
    expect(signature.identifiers).toEqual(['sku-42x', 'tel:15551234567']);
    expect(signature.negated).toBe(false);
  });

  it('tells the month May from the verb may', () => {
    expect(analyzeRequest('May I come in?').dates).toEqual([]);
    expect(analyzeRequest('Can I come in May?').dates).toEqual(['month:may']);
    expect(analyzeRequest('Can I come on 5 may?').dates).toEqual(['day:5', 'month:may']);
  });

  it('reads "one" as a count only where it is one', () => {
    expect(analyzeRequest('I need a new one').numbers).toEqual([]);
    expect(analyzeRequest('I need two cakes').numbers).toEqual(['2']);
    // A count of one is no more than "a": "one card" and "a card" ask the same.
    expect(analyzeRequest('I need one cake').numbers).toEqual([]);
    expect(analyzeRequest('Can I have more than one card?').numbers).toEqual([]);
  });

  it('finds names mid-sentence but not sentence openers, Title Case or SHOUTING', () => {
    expect(analyzeRequest('Do you ship to New York or Boston?').names).toEqual(['boston', 'new york']);
    expect(analyzeRequest('Hello. Where is my card?').names).toEqual([]);
    expect(analyzeRequest('Where Is My Card Now').names).toEqual([]);
    expect(analyzeRequest('I think I lost it').names).toEqual([]);
  });
});

describe('stem', () => {
  it.each([
    ['cancelled', 'cancel'],
    ['canceled', 'cancel'],
    ['cancel', 'cancel'],
    ['works', 'work'],
    ['working', 'work'],
    ['arrived', 'arriv'],
    ['arrive', 'arriv'],
    ['stopped', 'stop'],
    ['charges', 'charg'],
    ['charge', 'charg'],
    ['fees', 'fe'],
    ['fee', 'fe'],
    ['pass', 'pas'],
    ['passed', 'pas'],
    ['used', 'us'],
    ['use', 'us'],
  ])('%s → %s', (word, expected) => {
    expect(stem(word)).toBe(expected);
  });
});
