/** Points in time as operators type them: epoch milliseconds or ISO 8601. */

const isoInstant = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A point in time as epoch ms (`1700000000000`) or ISO 8601 (`2024-05-01`, `2024-05-01T12:00:00Z`);
 * undefined when it is neither.
 *
 * @example parseInstant('2024-05-01T00:00:00Z') // 1714521600000
 */
export function parseInstant(text: string): number | undefined {
  if (/^\d{1,16}$/.test(text)) return Number(text);
  const parsed = isoInstant.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(parsed) ? undefined : parsed;
}
