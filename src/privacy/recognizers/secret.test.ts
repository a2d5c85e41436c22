import { describe, expect, it } from 'vitest';
import { FAKE_SECRETS } from '../__fixtures__/fake-secrets.js';
import { isHighEntropyToken } from './secret.js';
import { detectedTexts, scoreOf } from './test-support.js';

describe('secret recognizer', () => {
  it('finds API keys by vendor prefix', () => {
    const keys = [
      FAKE_SECRETS.anthropicKey,
      FAKE_SECRETS.openAiKey,
      FAKE_SECRETS.githubToken,
      FAKE_SECRETS.githubOauthToken,
      FAKE_SECRETS.githubPat,
      FAKE_SECRETS.slackBotToken,
      FAKE_SECRETS.slackUserToken,
      FAKE_SECRETS.awsAccessKey,
      FAKE_SECRETS.googleApiKey,
      FAKE_SECRETS.stripeSecretKey,
      FAKE_SECRETS.stripeRestrictedKey,
      FAKE_SECRETS.jwt,
    ];
    for (const key of keys) expect(detectedTexts('secret', `the value is ${key} ok`), key).toEqual([key]);
  });

  it('finds bearer tokens without the word Bearer', () => {
    expect(detectedTexts('secret', `Authorization: Bearer ${FAKE_SECRETS.bearerToken}`)).toEqual([
      FAKE_SECRETS.bearerToken,
    ]);
  });

  it('finds passwords after context words, without trailing punctuation', () => {
    expect(detectedTexts('secret', 'password: Bakery2024!')).toEqual(['Bakery2024!']);
    expect(detectedTexts('secret', 'login with pwd=Tulip#778.')).toEqual(['Tulip#778']);
    expect(detectedTexts('secret', 'the wifi password is Croissant#42 right?')).toEqual(['Croissant#42']);
    expect(detectedTexts('secret', 'the passcode is 48Kd92')).toEqual(['48Kd92']);
  });

  it('ignores sentences about passwords', () => {
    expect(
      detectedTexts(
        'secret',
        'My password is not working. The password is incorrect. Password: reset it please',
      ),
    ).toEqual([]);
  });

  it('reports high-entropy strings only with a context word', () => {
    expect(isHighEntropyToken(FAKE_SECRETS.randomKey)).toBe(true);
    expect(detectedTexts('secret', `value ${FAKE_SECRETS.randomKey} here`)).toEqual([]);
    expect(detectedTexts('secret', `our API key is ${FAKE_SECRETS.randomKey}`)).toEqual([
      FAKE_SECRETS.randomKey,
    ]);
    expect(scoreOf('secret', `value ${FAKE_SECRETS.randomKey}`)).toBe(0.4);
  });

  it('finds a 20-character token wherever it sits, and nothing shorter', () => {
    const token = 'aB3dE5fG7hJ9kL1mN2pQ';
    expect(isHighEntropyToken(token)).toBe(true);
    for (let pad = 0; pad < 45; pad++) {
      const text = `${'.'.repeat(pad)} token ${token}`;
      expect(detectedTexts('secret', text), text).toEqual([token]);
      expect(detectedTexts('secret', `${text.slice(0, -1)} end`), text).toEqual([]);
    }
  });

  it('does not take ids, slugs or coupon codes for secrets', () => {
    const text =
      'order 550e8400-e29b-41d4-a716-446655440000, /products/chocolate-cake-large-2024, SPRING2024SAVE20, risk-assessment-for-the-kitchen-2024';
    expect(detectedTexts('secret', `key ${text}`)).toEqual([]);
  });
});
