/** How many SMS segments a text takes: GSM-7 (160 alone, 153 per part, extension characters count 2) or UCS-2 (70 alone, 67 per part). */

/** The GSM 03.38 default alphabet: one septet each. */
const gsmBasic = new Set(
  Array.from(
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ),
);

/** The GSM 03.38 extension table: an escape septet plus one, so two septets each. */
const gsmExtension = new Set(Array.from('^{}\\[~]|€\f'));

export type SmsEncoding = 'gsm-7' | 'ucs-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number;
  segments: number;
}

/** Single-message and per-part capacity of each encoding, in its units. */
export const segmentCapacity = {
  'gsm-7': { single: 160, part: 153 },
  'ucs-2': { single: 70, part: 67 },
} as const;

/** True when every character of the text is in the GSM-7 alphabet (basic or extension). */
export function isGsm7(text: string): boolean {
  for (const character of text) {
    if (!gsmBasic.has(character) && !gsmExtension.has(character)) return false;
  }
  return true;
}

/**
 * Counts the segments a text takes, packing parts the way handsets do: an escape pair (GSM-7) or a
 * surrogate pair (UCS-2) is never split across two parts.
 *
 * @example
 * countSegments('hello').segments // 1
 * countSegments('x'.repeat(161)).segments // 2
 * countSegments('😀'.repeat(35)).segments // 1 (70 code units)
 */
export function countSegments(text: string): SegmentCount {
  const encoding: SmsEncoding = isGsm7(text) ? 'gsm-7' : 'ucs-2';
  const sizes: number[] = [];
  for (const character of text) {
    sizes.push(encoding === 'gsm-7' ? (gsmExtension.has(character) ? 2 : 1) : character.length);
  }
  const units = sizes.reduce((sum, size) => sum + size, 0);
  const capacity = segmentCapacity[encoding];
  if (units === 0) return { encoding, units, segments: 1 };
  if (units <= capacity.single) return { encoding, units, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > capacity.part) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, segments };
}
