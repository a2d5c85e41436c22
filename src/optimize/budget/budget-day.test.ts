import fc from 'fast-check';
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

  it('gives the day a fresh formatter gives, for any instant and zone, asked in any order (fuzzed)', () => {
    const zones = [
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'Asia/Kolkata',
      'Pacific/Chatham',
      'Europe/Amsterdam',
    ];
    const fresh = (instant: number, timeZone: string) => {
      const parts = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      }).formatToParts(instant);
      const part = (type: string) => parts.find((entry) => entry.type === type)?.value;
      return `${part('year')}-${part('month')}-${part('day')}`;
    };
    // Instants near each zone's midnights and DST changes too: a second apart on either side of a boundary.
    const midnight = at('2026-03-29T00:00:00Z');
    const instant = fc.oneof(
      fc.integer({ min: -2_000_000_000_000, max: 4_000_000_000_000 }),
      fc.integer({ min: midnight - 2 * 86_400_000, max: midnight + 2 * 86_400_000 }),
      fc.constantFrom(...[-1, 0, 1, 999, 1_000, 1_001].map((delta) => at('2026-11-01T04:00:00Z') + delta)),
    );
    // Asks close together (the same second, minute or hour, on either side of a zone's midnight) and far apart.
    const near = fc.oneof(
      fc.integer({ min: -2 * 3_600_000, max: 2 * 3_600_000 }),
      fc.integer({ min: -1_500, max: 1_500 }),
    );
    fc.assert(
      fc.property(
        instant,
        fc.array(fc.tuple(near, fc.constantFrom(...zones)), { minLength: 1, maxLength: 30 }),
        (base, asks) => {
          for (const [delta, zone] of asks)
            expect(budgetDay(base + delta, zone)).toBe(fresh(base + delta, zone));
        },
      ),
      { numRuns: 500 },
    );
    // The same second twice, then the next millisecond over a midnight: the remembered second does not leak.
    expect(budgetDay(at('2026-03-08T23:59:59.998Z'), 'UTC')).toBe('2026-03-08');
    expect(budgetDay(at('2026-03-08T23:59:59.999Z'), 'UTC')).toBe('2026-03-08');
    expect(budgetDay(at('2026-03-09T00:00:00.000Z'), 'UTC')).toBe('2026-03-09');
  });

  it('rejects a zone Intl does not know, saying what would do', () => {
    expect(() => checkTimeZone('Mars/Olympus_Mons')).toThrow(/not an IANA time zone.*Europe\/Berlin/);
  });
});
