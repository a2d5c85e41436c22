import { describe, expect, it } from 'vitest';
import { isCalendarDay, parseInstant } from './instant.js';

describe('parseInstant', () => {
  it('reads epoch milliseconds and ISO 8601 dates and times', () => {
    expect(parseInstant('1700000000000')).toBe(1_700_000_000_000);
    expect(parseInstant('2024-05-01')).toBe(Date.UTC(2024, 4, 1));
    expect(parseInstant('2024-05-01T12:30:15.250Z')).toBe(Date.UTC(2024, 4, 1, 12, 30, 15, 250));
    expect(parseInstant('2024-05-01T12:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseInstant('2024-02-29T23:59:59Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(parseInstant('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
  });

  it('refuses days, times and offsets that do not exist (Date.parse rolls them over)', () => {
    for (const text of [
      '2024-13-45',
      '2024-00-10',
      '2024-01-00',
      '2024-02-30',
      '2023-02-29',
      '1900-02-29',
      '2024-04-31',
      '2024-05-01T24:00Z',
      '2024-05-01T23:60Z',
      '2024-05-01T23:59:60Z',
      '2024-05-01T12:00+24:00',
      '2024-05-01T12:00+02:60',
      '9999999999999999',
      'yesterday',
      '2024-5-1',
      '',
    ]) {
      expect(parseInstant(text), text).toBeUndefined();
    }
  });
});

describe('isCalendarDay', () => {
  it('accepts only YYYY-MM-DD days on the calendar', () => {
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2024-12-31')).toBe(true);
    for (const text of [
      '2023-02-29',
      '2024-13-01',
      '2024-06-31',
      '2024-06-00',
      '2024-06-1',
      '2024-06-01T00:00Z',
    ]) {
      expect(isCalendarDay(text), text).toBe(false);
    }
  });
});
