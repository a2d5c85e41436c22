import { describe, expect, it } from 'vitest';
import { ibanChecksumValid, ibanRecognizer } from './iban.js';
import { candidateTexts, scoreOf } from './test-support.js';

describe('iban recognizer', () => {
  it('finds grouped and compact IBANs of several countries', () => {
    const ibans = [
      'GB82 WEST 1234 5698 7654 32',
      'DE89 3704 0044 0532 0130 00',
      'FR14 2004 1010 0505 0001 3M02 606',
      'NL91ABNA0417164300',
      'BE68 5390 0754 7034',
      'NO93 8601 1117 947',
    ];
    for (const iban of ibans) expect(candidateTexts(ibanRecognizer, `IBAN: ${iban}.`)).toEqual([iban]);
  });

  it('stops at the country length even when more groups follow', () => {
    expect(candidateTexts(ibanRecognizer, 'GB82 WEST 1234 5698 7654 32 10 EUR')).toEqual([
      'GB82 WEST 1234 5698 7654 32',
    ]);
  });

  it('drops a wrong check digit, a wrong length and unknown countries', () => {
    expect(ibanChecksumValid('GB82WEST12345698765433')).toBe(false);
    expect(
      candidateTexts(ibanRecognizer, 'GB82 WEST 1234 5698 7654 33, GB82 WEST 1234 5698 7654, XX82 1234 5678'),
    ).toEqual([]);
  });

  it('is raised by "IBAN" or "bank" nearby', () => {
    expect(scoreOf('iban', 'IBAN DE89 3704 0044 0532 0130 00')!).toBeGreaterThan(
      scoreOf('iban', 'see DE89 3704 0044 0532 0130 00')!,
    );
  });
});
