import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSegments, isGsm7 } from './segments.js';

describe('countSegments', () => {
  it.each([
    ['empty', '', 'gsm-7', 0, 1],
    ['160 GSM characters', 'a'.repeat(160), 'gsm-7', 160, 1],
    ['161 GSM characters', 'a'.repeat(161), 'gsm-7', 161, 2],
    ['306 GSM characters (2 × 153)', 'a'.repeat(306), 'gsm-7', 306, 2],
    ['307 GSM characters', 'a'.repeat(307), 'gsm-7', 307, 3],
    ['158 + one euro sign (2 septets) = 160', `${'a'.repeat(158)}€`, 'gsm-7', 160, 1],
    ['159 + one euro sign = 161', `${'a'.repeat(159)}€`, 'gsm-7', 161, 2],
    ['extension characters count two each', '{}[]~|^\\', 'gsm-7', 16, 1],
    ['Greek capitals of the GSM alphabet', 'ΔΦΓΛΩΠΨΣΘΞ', 'gsm-7', 10, 1],
    ['70 UCS-2 characters', 'ç'.repeat(70), 'ucs-2', 70, 1],
    ['71 UCS-2 characters', 'ç'.repeat(71), 'ucs-2', 71, 2],
    ['134 UCS-2 characters (2 × 67)', 'ç'.repeat(134), 'ucs-2', 134, 2],
    ['135 UCS-2 characters', 'ç'.repeat(135), 'ucs-2', 135, 3],
    ['35 emoji are 70 code units', '😀'.repeat(35), 'ucs-2', 70, 1],
    ['36 emoji are 72 code units', '😀'.repeat(36), 'ucs-2', 72, 2],
    ['one curly quote turns a GSM text into UCS-2', `${'a'.repeat(69)}’`, 'ucs-2', 70, 1],
    ['one curly quote and 70 letters', `${'a'.repeat(70)}’`, 'ucs-2', 71, 2],
  ])('%s', (_name, text, encoding, units, segments) => {
    expect(countSegments(text)).toEqual({ encoding, units, segments });
  });

  it('never splits an escape pair across parts (a naive division says 2 segments, a handset needs 3)', () => {
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(countSegments(text)).toEqual({ encoding: 'gsm-7', units: 306, segments: 3 });
  });

  it('never splits a surrogate pair across parts', () => {
    const text = `${'ç'.repeat(66)}😀${'ç'.repeat(66)}`;
    expect(countSegments(text)).toEqual({ encoding: 'ucs-2', units: 134, segments: 3 });
  });

  it('tells the alphabets apart', () => {
    expect(isGsm7('Hello @ £5, ok?')).toBe(true);
    expect(isGsm7('Ça va')).toBe(true);
    expect(isGsm7('ça va')).toBe(false);
    expect(isGsm7('price: 5 €')).toBe(true);
    expect(isGsm7('emoji 👍')).toBe(false);
  });

  it('is total and monotonic in the text length (fuzzed)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 600 }),
        fc.string({ maxLength: 40 }),
        (text, more) => {
          const counted = countSegments(text);
          expect(counted.segments).toBeGreaterThanOrEqual(1);
          if (isGsm7(text) === isGsm7(text + more)) {
            expect(countSegments(text + more).segments).toBeGreaterThanOrEqual(counted.segments);
          }
        },
      ),
    );
  });
});
