import { describe, expect, it } from 'vitest';
import { identifierAfter } from './cued-identifier.js';
import { medicalRecordNumberRecognizer } from './medical-record-number.js';
import { candidateTexts, detectedTexts } from './test-support.js';

describe('medical-record-number recognizer', () => {
  it('finds the id after each medical-record cue', () => {
    const cases: Array<[string, string]> = [
      ['MRN: 00482913, DOB 04/03/1985', '00482913'],
      ['my MRN is A1029384.', 'A1029384'],
      ['Medical record #MR-5512093.', 'MR-5512093'],
      ['medical record number 55120-93', '55120-93'],
      ['Patient ID: PT-884120 / Visit 2024-03-11', 'PT-884120'],
      ['Patient no. 004512.', '004512'],
      ["My son's patient number is 3318820, he had", '3318820'],
      ['Chart number 20419, I need my x-rays', '20419'],
      ['MR# 7720-1184: discharge list', '7720-1184'],
      ['Hospital number K0482291, I lost the letter', 'K0482291'],
      ['patient account no. 88 120 4471 for billing', '88 120 4471'],
    ];
    for (const [text, id] of cases) expect(detectedTexts('medical-record-number', text), text).toEqual([id]);
  });

  it('needs a cue: ids alone, order numbers and tracking numbers are not medical record numbers', () => {
    expect(
      detectedTexts(
        'medical-record-number',
        'Order ORD-2024-00017, invoice INV-88213, tracking 1Z999AA10123456784, reference 20240318-7781, 00482913.',
      ),
    ).toEqual([]);
  });

  it('reads "MR#" only in capitals ("Mr" is a title)', () => {
    expect(candidateTexts(medicalRecordNumberRecognizer, 'Mr #4471 2290 and mr# 55120')).toEqual([]);
  });

  it('skips ids that are too short, too long, without four digits, or dates', () => {
    expect(
      detectedTexts(
        'medical-record-number',
        'MRN 4471. Patient ID ABCDEF12. MRN ABCDEFGHIJKLMNOPQRSTU123. Patient no. 2024-03-11. Patient #3 in line.',
      ),
    ).toEqual([]);
  });

  it('does not take a word after the id, nor an email for an id', () => {
    expect(
      detectedTexts('medical-record-number', 'MRN 00482913 Visit, patient id jo1234@example.com'),
    ).toEqual(['00482913']);
  });

  it('reads an id through filler words and punctuation, within bounds', () => {
    const text = 'patient ID on my card is: W2847 19283 today';
    const id = identifierAfter(text, 'patient ID'.length);
    expect(id && text.slice(id.start, id.end)).toBe('W2847 19283');
    expect(identifierAfter('MRN is not known yet, 00482913', 3)).toBeUndefined();
  });
});
