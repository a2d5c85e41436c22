/**
 * Points in time and days as operators type them: epoch milliseconds, ISO 8601, `YYYY-MM-DD`.
 * Strict: Date.parse rolls `2024-02-30` over into March and takes `T24:00`, so each field is checked
 * against the calendar first.
 */
import { z } from 'zod';

const isoInstant =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/i;
const isoDay = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The largest time a JavaScript Date holds (ECMAScript's ±8.64e15 ms). */
const MAX_EPOCH_MS = 8_640_000_000_000_000;

/** Whether `year-month-day` exists: month 1–12, day 1 to the month's length (leap years counted). */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * A point in time as epoch ms (`1700000000000`) or ISO 8601 (`2024-05-01`, `2024-05-01T12:00:00Z`,
 * `2024-05-01T12:00+02:00`); undefined when it is neither, or names a day, hour, minute, second or
 * offset that does not exist (`2024-02-30`, `T24:00`, `+24:00`).
 *
 * @example parseInstant('2024-05-01T00:00:00Z') // 1714521600000
 * @example parseInstant('2024-02-30') // undefined
 */
export function parseInstant(text: string): number | undefined {
  if (/^\d{1,16}$/.test(text)) {
    const epoch = Number(text);
    return epoch <= MAX_EPOCH_MS ? epoch : undefined;
  }
  const match = isoInstant.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', offsetHour = '0', offsetMinute = '0'] =
    match;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (Number(offsetHour) > 23 || Number(offsetMinute) > 59) return undefined;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * Whether `text` is a day written `YYYY-MM-DD` that exists on the calendar.
 *
 * @example isCalendarDay('2024-02-29') // true
 * @example isCalendarDay('2023-02-29') // false
 */
export function isCalendarDay(text: string): boolean {
  const match = isoDay.exec(text);
  return match !== null && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/**
 * A query parameter holding a point in time, parsed by `parseInstant` into epoch ms; anything else is
 * an issue on that parameter (so the 400 names it).
 *
 * @example z.object({ from: instantParameterSchema.optional() }).parse({ from: '2024-05-01' }) // { from: 1714521600000 }
 */
export const instantParameterSchema = z.string().transform((text, context) => {
  const parsed = parseInstant(text);
  if (parsed !== undefined) return parsed;
  context.addIssue({
    code: 'custom',
    message:
      'must be epoch milliseconds (e.g. 1700000000000) or an ISO 8601 date or time that exists (e.g. 2024-05-01, 2024-05-01T12:00:00Z)',
  });
  return z.NEVER;
});

/** A query parameter holding a day, `YYYY-MM-DD`, that exists on the calendar. */
export const dayParameterSchema = z
  .string()
  .refine(isCalendarDay, 'must be a day as YYYY-MM-DD that exists on the calendar (e.g. 2024-02-29)');
