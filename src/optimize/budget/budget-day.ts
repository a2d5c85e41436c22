/** The calendar day a budget covers, in its configured time zone. */
import { StewardError } from '../../errors/index.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The day (YYYY-MM-DD) that instant `at` (epoch ms) falls on in `timeZone`.
 *
 * @example budgetDay(Date.UTC(2026, 2, 8, 23, 30), 'Europe/Berlin') // '2026-03-09'
 */
export function budgetDay(at: number, timeZone: string): string {
  // Every zone's offset is a whole number of seconds, so an instant's day is its whole second's: each zone
  // remembers its last second (formatting a date costs microseconds, and every interaction asks twice).
  const second = Math.floor(at / 1000);
  const last = lastDays.get(timeZone);
  if (last?.second === second) return last.day;
  const parts = formatterFor(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((entry) => entry.type === type)?.value;
  const day = `${part('year')}-${part('month')}-${part('day')}`;
  // Zones are few (each is validated config), so this map stays as small as `formatters`.
  lastDays.set(timeZone, { second, day });
  return day;
}

const lastDays = new Map<string, { second: number; day: string }>();

/** Throws 'invalid-config' unless `timeZone` is an IANA zone this runtime knows. */
export function checkTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
    } catch (error) {
      throw new StewardError(
        'invalid-config',
        `optimization.budget.timeZone: "${timeZone}" is not an IANA time zone; use one such as 'UTC', 'Europe/Berlin' or 'America/New_York'`,
        { cause: error },
      );
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
