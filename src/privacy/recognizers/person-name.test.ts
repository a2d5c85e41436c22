import { describe, expect, it } from 'vitest';
import { detectedTexts } from './test-support.js';

describe('person-name recognizer', () => {
  it('finds names after introductions, salutations, signatures, titles, relations and roles', () => {
    const cases: Array<[string, string[]]> = [
      ['Hi, my name is Maria Lopez and I ordered a cake.', ['Maria Lopez']],
      ["Hey, I'm Aisha from the office upstairs.", ['Aisha']],
      ['Hi there, this is Tom Becker from the community centre.', ['Tom Becker']],
      ['Dear Mrs. Okafor,\nyour order is ready.', ['Mrs. Okafor']],
      ['Hi Mark, the machine is leaking.', ['Mark']],
      ['Thanks,\nPriya Shah', ['Priya Shah']],
      ["Cheers,\nLiam O'Connor", ["Liam O'Connor"]],
      ['Warm regards,\nMary-Jane Watts', ['Mary-Jane Watts']],
      ['Best wishes,\nAna Lucía Gómez', ['Ana Lucía Gómez']],
      ['Appointment with Dr. Alvarez at 3.', ['Dr. Alvarez']],
      ['My son Ethan was born in 2011.', ['Ethan']],
      ['The tenant Olivia Chen will let you in.', ['Olivia Chen']],
      ['Booking for Marcus at 2:30 on Friday.', ['Marcus']],
      ['Hello, Irina here. The vase broke.', ['Irina']],
      ['Guest names: Pierre Lambert and Camille Lambert.', ['Pierre Lambert', 'Camille Lambert']],
      ['Thanks for the fast delivery!\n\n— Kofi Boateng', ['Kofi Boateng']],
    ];
    for (const [text, names] of cases) expect(detectedTexts('person-name', text), text).toEqual(names);
  });

  it('leaves verbs, months and common words that look like names alone', () => {
    const negatives = [
      'Will you deliver on Saturday?',
      'May I ask about the price?',
      'Bill me later, thanks.',
      'Thanks, Will do the payment online.',
      "I'm Not sure if the plan covers whitening.",
      'Hi team, we want the hedges trimmed.',
      'Hi there, quick question.',
      'Dear Sir or Madam, I am writing to cancel.',
      'Regards, The Sweet Crumbs Team',
      'Thanks,\nSweet Crumbs Bakery',
      'This is Urgent, please call.',
      'Hi ALL, the shop is closed.',
      'Thanks Bob for nothing',
    ];
    for (const text of negatives) expect(detectedTexts('person-name', text), text).toEqual([]);
  });

  it('does not guess names without a cue', () => {
    expect(
      detectedTexts('person-name', 'Grant will pick it up at 3. Hilary Mantel is my favourite.'),
    ).toEqual([]);
  });
});
