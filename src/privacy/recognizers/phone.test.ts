import { describe, expect, it } from 'vitest';
import { createPiiDetector } from '../detector.js';
import { createPhoneRecognizer, phoneRecognizer } from './phone.js';
import { candidateTexts, detectedTexts, scoreOf } from './test-support.js';

describe('phone recognizer', () => {
  it('finds US numbers in common formats, and an extension', () => {
    const text = 'Call (415) 555-2671, 212-555-0147, 503.555.0198, 1-800-555-0199 or 720 555 0143 ext. 23.';
    expect(detectedTexts('phone', text)).toEqual([
      '(415) 555-2671',
      '212-555-0147',
      '503.555.0198',
      '1-800-555-0199',
      '720 555 0143 ext. 23',
    ]);
  });

  it('finds international numbers written with + or 00', () => {
    const text =
      'UK +44 20 7946 0958, AU +61 2 9374 4000, DE +49 30 901820, FR 0033 1 42 68 53 00, IN +91 98765 43210';
    expect(detectedTexts('phone', text)).toEqual([
      '+44 20 7946 0958',
      '+61 2 9374 4000',
      '+49 30 901820',
      '0033 1 42 68 53 00',
      '+91 98765 43210',
    ]);
  });

  it('reads national numbers in the default region', () => {
    const british = createPiiDetector({ types: ['phone'], defaultRegion: 'GB' });
    expect(british.detect('ring 020 7946 0958').map((finding) => finding.text)).toEqual(['020 7946 0958']);
    expect(detectedTexts('phone', 'ring 020 7946 0958')).toEqual([]);
  });

  it('rejects numbers libphonenumber says are invalid, ids, dates, zips and card numbers', () => {
    const text =
      '555-123-4567, order #100234, ORD-2024-00017, 2024-05-14, 94103-1234, 4111 1111 1111 1111, 192.168.1.10, qty 1000';
    expect(candidateTexts(phoneRecognizer, text)).toEqual([]);
  });

  it('penalises groupings no phone uses and ids after "serial" or "receipt"', () => {
    expect(detectedTexts('phone', 'serial 7719-004512')).toEqual([]);
    expect(detectedTexts('phone', 'receipt number 2024-004512')).toEqual([]);
  });

  it('scores bare digits low unless a context word is near', () => {
    expect(detectedTexts('phone', 'ref 4155552671')).toEqual([]);
    expect(scoreOf('phone', 'x 4155552671')!).toBeLessThan(0.5);
    expect(detectedTexts('phone', 'call me on 4155552671')).toEqual(['4155552671']);
  });

  it('gives the same verdicts with the memo off', () => {
    const cold = createPhoneRecognizer({ cacheSize: 0 });
    const text = 'Call (415) 555-2671 or +44 20 7946 0958, not 555-123-4567.';
    expect(candidateTexts(cold, text)).toEqual(candidateTexts(phoneRecognizer, text));
    expect(candidateTexts(cold, text)).toEqual(['(415) 555-2671', '+44 20 7946 0958']);
  });
});
