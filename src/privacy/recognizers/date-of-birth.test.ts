import { describe, expect, it } from 'vitest';
import { detectedTexts } from './test-support.js';

describe('date-of-birth recognizer', () => {
  it('finds many date formats after a birth context word', () => {
    const cases: Array<[string, string]> = [
      ['I was born on March 4, 1985.', 'March 4, 1985'],
      ['DOB: 04/03/1985', '04/03/1985'],
      ['date of birth is 1979-11-23', '1979-11-23'],
      ['born 12 July 1941', '12 July 1941'],
      ['D.O.B. 02.09.1971', '02.09.1971'],
      ['born on the 3rd of May 2011', '3rd of May 2011'],
      ['DOB 7/14/62', '7/14/62'],
      ['Date of Birth: Feb 14, 1982', 'Feb 14, 1982'],
      ['my birthday is 21/11/1995', '21/11/1995'],
    ];
    for (const [text, date] of cases) expect(detectedTexts('date-of-birth', text), text).toEqual([date]);
  });

  it('ignores dates without a birth context word', () => {
    expect(
      detectedTexts('date-of-birth', 'Delivered on 03/04/2024, appointment 2024-05-14, March 4, 1985 order'),
    ).toEqual([]);
  });

  it('ignores birthday cakes and parties, and pets', () => {
    expect(
      detectedTexts(
        'date-of-birth',
        'The birthday cake for the party on 12/20/2024. Our puppy was born on 01/05/2024. Happy Birthday 03/03/2000',
      ),
    ).toEqual([]);
  });

  it('rejects impossible dates', () => {
    expect(detectedTexts('date-of-birth', 'born 02/30/1985, DOB 13/13/1990, born 1850-01-01')).toEqual([]);
  });
});
