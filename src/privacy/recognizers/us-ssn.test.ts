import { describe, expect, it } from 'vitest';
import { candidateTexts, detectedTexts, scoreOf } from './test-support.js';
import { isIssuableSsn, usSsnRecognizer } from './us-ssn.js';

describe('us-ssn recognizer', () => {
  it('finds dashed and spaced numbers', () => {
    expect(detectedTexts('us-ssn', 'SSN 536-22-8841, spouse 412 67 9902.')).toEqual([
      '536-22-8841',
      '412 67 9902',
    ]);
  });

  it('rejects numbers the SSA never issues', () => {
    expect(isIssuableSsn('000', '12', '3456')).toBe(false);
    expect(isIssuableSsn('666', '12', '3456')).toBe(false);
    expect(isIssuableSsn('912', '34', '5678')).toBe(false);
    expect(isIssuableSsn('123', '00', '4567')).toBe(false);
    expect(isIssuableSsn('123', '45', '0000')).toBe(false);
    expect(
      candidateTexts(usSsnRecognizer, '000-12-3456 666-12-3456 912-34-5678 123-00-4567 123-45-0000'),
    ).toEqual([]);
  });

  it('scores well-known fakes low, even next to "SSN"', () => {
    expect(scoreOf('us-ssn', 'SSN 123-45-6789')!).toBeLessThan(0.5);
    expect(scoreOf('us-ssn', 'SSN 078-05-1120')!).toBeLessThan(0.5);
    expect(detectedTexts('us-ssn', 'example: SSN 123-45-6789, 111-11-1111')).toEqual([]);
  });

  it('needs a context word for nine bare digits', () => {
    expect(detectedTexts('us-ssn', 'reference 219884410')).toEqual([]);
    expect(detectedTexts('us-ssn', 'my social security number is 219884410')).toEqual(['219884410']);
  });

  it('ignores zip+4, phone numbers, case numbers and parts of longer ids', () => {
    expect(
      detectedTexts('us-ssn', 'ZIP 94103-1234, call 415-555-2671, case number 512-44-9031, ORD-536-22-8841'),
    ).toEqual([]);
  });
});
