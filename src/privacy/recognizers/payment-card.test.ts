import { describe, expect, it } from 'vitest';
import { cardIssuer, passesLuhn, paymentCardRecognizer } from './payment-card.js';
import { candidateTexts, detectedTexts, scoreOf } from './test-support.js';

describe('payment-card recognizer', () => {
  it('finds public test numbers of every major issuer, grouped or not', () => {
    const numbers = [
      '4111 1111 1111 1111',
      '4242424242424242',
      '5555-5555-5555-4444',
      '2223 0031 2200 3222',
      '3782 822463 10005',
      '6011 1111 1111 1117',
      '3530 1113 3330 0000',
      '3056 9309 0259 04',
      '6200 0000 0000 0005',
    ];
    for (const number of numbers)
      expect(detectedTexts('payment-card', `pay with ${number} today`)).toEqual([number]);
  });

  it('drops numbers that fail the Luhn check', () => {
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(candidateTexts(paymentCardRecognizer, 'card 4111 1111 1111 1112 and 1234 5678 9012 3456')).toEqual(
      [],
    );
  });

  it('does not cut a card out of a longer digit run such as a tracking number', () => {
    expect(
      candidateTexts(paymentCardRecognizer, 'tracking 9400 1000 0000 0000 0000 00 and 94001000000000000000'),
    ).toEqual([]);
  });

  it('drops inconsistent groupings and runs of one digit', () => {
    expect(
      candidateTexts(
        paymentCardRecognizer,
        '4111-1111 1111-1111 0000 0000 0000 0000 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1',
      ),
    ).toEqual([]);
  });

  it('scores known issuers high and unknown prefixes below the threshold unless "card" is near', () => {
    expect(cardIssuer('4111111111111111')).toBe('visa');
    expect(cardIssuer('3782822463100005'.slice(0, 15))).toBe('amex');
    // 16 digits, Luhn-valid, no issuer prefix.
    const unknown = '1000 0000 0000 0008';
    expect(passesLuhn(unknown.replace(/ /g, ''))).toBe(true);
    expect(detectedTexts('payment-card', `number ${unknown}`)).toEqual([]);
    expect(detectedTexts('payment-card', `my card is ${unknown}`)).toEqual([unknown]);
    expect(scoreOf('payment-card', 'card 4111 1111 1111 1111')!).toBeGreaterThan(
      scoreOf('payment-card', 'x 4111 1111 1111 1111')!,
    );
  });

  it('lowers the score after "order" or "invoice"', () => {
    expect(scoreOf('payment-card', 'invoice 4111 1111 1111 1111')!).toBeLessThan(
      scoreOf('payment-card', 'x 4111 1111 1111 1111')!,
    );
  });
});
