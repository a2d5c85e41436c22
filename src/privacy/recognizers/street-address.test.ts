import { describe, expect, it } from 'vitest';
import { detectedTexts } from './test-support.js';

describe('street-address recognizer', () => {
  it('finds an address with unit, city, state and ZIP as one span', () => {
    expect(
      detectedTexts('street-address', 'Deliver to 55 Water St, Apt 4B, Brooklyn, NY 11201 please'),
    ).toEqual(['55 Water St, Apt 4B, Brooklyn, NY 11201']);
  });

  it('finds bare streets, directions, ordinals, UK postcodes and PO boxes', () => {
    const cases = [
      '1208 Maple Avenue',
      '1600 Pennsylvania Ave NW, Washington, DC 20500',
      '310 W 42nd St, New York, NY 10036',
      '221B Baker Street, London NW1 6XE',
      'PO Box 4471',
    ];
    for (const address of cases)
      expect(detectedTexts('street-address', `We are at ${address}.`), address).toEqual([address]);
  });

  it('ignores quantities and title-case phrases without a street suffix', () => {
    expect(
      detectedTexts(
        'street-address',
        'Order 12 Chocolate Chip Cookies and 2 Dr Pepper, about 1,400 sq ft, 40 Sq Ft',
      ),
    ).toEqual([]);
  });
});
