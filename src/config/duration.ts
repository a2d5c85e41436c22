/** Durations written the way operators write them: `90d`, `12h`, `7y`, `30s`, `500ms`, `2w`. */
import { z } from 'zod';

const unitMs = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
} as const;

const durationPattern = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|y)$/;

/**
 * Parses a duration string into milliseconds; returns undefined when it is not one.
 *
 * @example parseDuration('7d') // 604800000
 */
export function parseDuration(text: string): number | undefined {
  const match = durationPattern.exec(text.trim());
  if (!match) return undefined;
  const unit = match[2] as keyof typeof unitMs;
  return Math.round(Number(match[1]) * unitMs[unit]);
}

/** A zod schema for a duration string such as `7d`; the parsed value stays the string. */
export const durationSchema = z.string().refine((text) => parseDuration(text) !== undefined, {
  message: 'a duration such as 500ms, 30s, 15m, 12h, 7d, 2w or 7y',
});
