import { describe, expect, it } from 'vitest';
import { healthPlanIdRecognizer } from './health-plan-id.js';
import { detectedTexts, scoreOf } from './test-support.js';

describe('health-plan-id recognizer', () => {
  it('finds the id after a cue that names health cover', () => {
    const cases: Array<[string, string]> = [
      ['Health insurance ID BCX-4471-0092, the copay is $30', 'BCX-4471-0092'],
      ['My Medicaid number is KM44120987, does the clinic accept it?', 'KM44120987'],
      ['Medicare ID: 7QK2-JD4-PW19.', '7QK2-JD4-PW19'],
      ['MBI 1EG4-TE5-MK72', '1EG4-TE5-MK72'],
      ['health plan member number 00912-4471', '00912-4471'],
      ['insurance member ID W218847301', 'W218847301'],
    ];
    for (const [text, id] of cases) expect(detectedTexts('health-plan-id', text), text).toEqual([id]);
  });

  it('finds member, subscriber, policy, group and plan ids with a health word or a second cue nearby', () => {
    const cases: Array<[string, string[]]> = [
      ['Aetna member ID W218847301, group number 0098812.', ['W218847301', '0098812']],
      ['member ID XKP-448120-01, group number 88120.', ['XKP-448120-01', '88120']],
      ['Subscriber ID XJH902118834 is my wife, I am a dependent on her dental plan.', ['XJH902118834']],
      ["I'm not sure my plan covers whitening. The policy number is 9912-88120-A.", ['9912-88120-A']],
      ['The pharmacy says my plan ID RX-6612-0048 is not on file.', ['RX-6612-0048']],
    ];
    for (const [text, ids] of cases) expect(detectedTexts('health-plan-id', text), text).toEqual(ids);
  });

  it('leaves generic cues without health context below the threshold', () => {
    expect(scoreOf('health-plan-id', 'My member number is 220045. Why was I billed twice?')).toBe(0.3);
    expect(
      detectedTexts('health-plan-id', 'Group booking for 12, group number 4471-22, order #100233.'),
    ).toEqual([]);
  });

  it('ignores car, pet, travel and national insurance, gyms and loyalty schemes', () => {
    const negatives = [
      'For the windshield claim my car insurance policy number is AUT-55120-77.',
      'Our pet insurance policy number is PI-2231-9987, send them the vet invoice.',
      'travel insurance policy no. TRV-448120 for the trip, the clinic abroad billed me',
      'national insurance number AB123456C for payroll',
      'my gym member ID 88120-B stopped working, my doctor says I should keep training',
      'Loyalty member ID 55120988 at the pharmacy, do I get points?',
    ];
    for (const text of negatives) expect(detectedTexts('health-plan-id', text), text).toEqual([]);
  });

  it('never reports order, invoice or tracking numbers, even next to health words', () => {
    expect(
      detectedTexts(
        'health-plan-id',
        'My prescription order #RX100482 shipped, tracking 9400111899223344556677. Invoice 2024-0412 for therapy; insurance should cover it.',
      ),
    ).toEqual([]);
  });

  it('does not count the same cue twice as a second one ("member ID … member ID")', () => {
    const text = 'member ID 4471-99812 and member ID 5512-00931';
    expect(healthPlanIdRecognizer.find(text, { defaultRegion: 'US' }).map((found) => found.score)).toEqual([
      0.3, 0.3,
    ]);
  });
});
