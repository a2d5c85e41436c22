/** `short_responses`: an agent's markdown reply made plain and fitted into a number of SMS segments, links kept whole. */
import { countSegments } from './segments.js';

/**
 * Typographic characters replaced by their GSM-7 look-alikes (as Twilio's Smart Encoding does), so one curly
 * quote does not turn a 160-character message into a 70-character UCS-2 one.
 */
const gsmLookAlikes: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
  '\u00A0': ' ',
  '\u2022': '-',
};

const urlPattern = /\bhttps?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/g;

/**
 * Markdown to plain text for a handset: emphasis, headings, code fences and quotes lose their markers;
 * `[text](url)` becomes `text: url` so the link stays whole and tappable; images become their URL.
 *
 * @example
 * plainTextFromMarkdown('**Open** [today](https://example.com/hours)') // 'Open today: https://example.com/hours'
 */
export function plainTextFromMarkdown(markdown: string): string {
  let text = markdown.replace(/\r\n?/g, '\n');
  text = text.replace(/```[^\n]*\n?([\s\S]*?)```/g, (_match, code: string) => code.trimEnd());
  text = text.replace(/!\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, '$2');
  text = text.replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_match, label: string, url: string) =>
    label === url ? url : `${label}: ${url}`,
  );
  text = text.replace(/`([^`\n]+)`/g, '$1');
  text = text.replace(/^#{1,6}[ \t]+/gm, '');
  text = text.replace(/^>[ \t]?/gm, '');
  text = text.replace(/^[ \t]*[*+][ \t]+/gm, '- ');
  text = text.replace(/^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$/gm, '');
  text = text.replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2');
  text = text.replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, '$1$2');
  text = text.replace(/(^|[^\w])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1$2');
  text = text.replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1');
  text = text.replace(
    /[\u2018\u2019\u201A\u201C\u201D\u201E\u2013\u2014\u2026\u00A0\u2022]/g,
    (character) => {
      return gsmLookAlikes[character] ?? character;
    },
  );
  return text
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export interface ShortResponseOptions {
  /** The most segments the reply may take (1 = a single SMS). */
  maxSegments: number;
  /** Appended when the text had to be cut; GSM-7 so it never forces UCS-2. Default `...`. */
  ellipsis?: string;
}

export interface ShortResponse {
  text: string;
  segments: number;
  encoding: 'gsm-7' | 'ucs-2';
  truncated: boolean;
}

/**
 * Fits a markdown reply into `maxSegments` SMS segments: plain text first; when still too long, cut at the
 * last word boundary that fits, never inside a URL (a link is kept whole or dropped whole), and mark the cut.
 *
 * @example
 * fitShortResponse('We open at **9am**.', { maxSegments: 1 }) // { text: 'We open at 9am.', segments: 1, … }
 */
export function fitShortResponse(markdown: string, options: ShortResponseOptions): ShortResponse {
  const maxSegments = Math.max(1, Math.floor(options.maxSegments));
  const ellipsis = options.ellipsis ?? '...';
  const plain = plainTextFromMarkdown(markdown);
  const whole = countSegments(plain);
  if (whole.segments <= maxSegments) {
    return { text: plain, segments: whole.segments, encoding: whole.encoding, truncated: false };
  }
  const characters = Array.from(plain);
  const fits = (length: number): boolean =>
    countSegments(cutText(characters, length, ellipsis)).segments <= maxSegments;
  // The segment count grows with the prefix length, so the longest fitting prefix is found by bisection.
  let low = 0;
  let high = characters.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  const cut = safeCutPoint(plain, characters, low);
  const text = cutText(characters, cut, ellipsis);
  const counted = countSegments(text);
  return { text, segments: counted.segments, encoding: counted.encoding, truncated: true };
}

function cutText(characters: string[], length: number, ellipsis: string): string {
  const prefix = characters.slice(0, length).join('').trimEnd();
  return prefix.length === 0 ? ellipsis : `${prefix}${ellipsis}`;
}

/** The largest cut point ≤ `length` (in characters) that falls on a word boundary and outside every URL. */
function safeCutPoint(plain: string, characters: string[], length: number): number {
  const urls: Array<{ start: number; end: number }> = [];
  for (const match of plain.matchAll(urlPattern)) {
    const start = Array.from(plain.slice(0, match.index)).length;
    urls.push({ start, end: start + Array.from(match[0]).length });
  }
  let cut = length;
  for (const url of urls) {
    if (cut > url.start && cut < url.end) cut = url.start;
  }
  if (cut < characters.length && !/\s/.test(characters[cut] ?? ' ')) {
    let boundary = cut;
    while (boundary > 0 && !/\s/.test(characters[boundary - 1] ?? ' ')) boundary -= 1;
    // A single word longer than the whole budget is cut mid-word rather than dropped.
    if (boundary > 0) cut = boundary;
    for (const url of urls) {
      if (cut > url.start && cut < url.end) cut = url.start;
    }
  }
  return cut;
}
