import { describe, expect, it } from 'vitest';
import { budgetDay, checkTimeZone } from './budget-day.js';

const at = (iso: string) => Date.parse(iso);

describe('budgetDay', () => {
  it('is the UTC date by default zone', () => {
    expect(budgetDay(at('2026-03-08T23:59:59.999Z'), 'UTC')).toBe('2026-03-08');
    expect(budgetDay(at('2026-03-09T00:00:00.000Z'), 'UTC')).toBe('2026-03-09');
  });

  it('turns at local midnight, also across the spring DST change (Berlin, a 23-hour day)', () => {
    // Berlin: 2026-03-29 02:00 CET becomes 03:00 CEST; midnights are 23:00Z before and 22:00Z after.
    expect(budgetDay(at('2026-03-28T22:59:59.999Z'), 'Europe/Berlin')).toBe('2026-03-28');
    expect(budgetDay(at('2026-03-28T23:00:00.000Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(budgetDay(at('2026-03-29T01:30:00.000Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(budgetDay(at('2026-03-29T21:59:59.999Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(budgetDay(at('2026-03-29T22:00:00.000Z'), 'Europe/Berlin')).toBe('2026-03-30');
  });

  it('keeps the repeated hour of the autumn DST change in one 25-hour day (New York)', () => {
    // New York: 2026-11-01 02:00 EDT becomes 01:00 EST; midnights are 04:00Z before and 05:00Z after.
    expect(budgetDay(at('2026-11-01T03:59:59.999Z'), 'America/New_York')).toBe('2026-10-31');
    expect(budgetDay(at('2026-11-01T04:00:00.000Z'), 'America/New_York')).toBe('2026-11-01');
    expect(budgetDay(at('2026-11-01T05:30:00.000Z'), 'America/New_York')).toBe('2026-11-01');
    expect(budgetDay(at('2026-11-01T06:30:00.000Z'), 'America/New_York')).toBe('2026-11-01');
    expect(budgetDay(at('2026-11-02T04:59:59.999Z'), 'America/New_York')).toBe('2026-11-01');
    expect(budgetDay(at('2026-11-02T05:00:00.000Z'), 'America/New_York')).toBe('2026-11-02');
  });

  it('gives one instant different days far apart, and handles half-hour offsets', () => {
    const instant = at('2026-06-15T10:30:00Z');
    expect(budgetDay(instant, 'Pacific/Kiritimati')).toBe('2026-06-16');
    expect(budgetDay(instant, 'Pacific/Pago_Pago')).toBe('2026-06-14');
    expect(budgetDay(at('2026-06-15T18:29:59Z'), 'Asia/Kolkata')).toBe('2026-06-15');
    expect(budgetDay(at('2026-06-15T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-06-16');
  });

  it('rejects a zone Intl does not know, saying what would do', () => {
    expect(() => checkTimeZone('Mars/Olympus_Mons')).toThrow(/not an IANA time zone.*Europe\/Berlin/);
  });
});
