/**
 * Email addresses. Anchored on '@' (found with indexOf, so text without one costs a single scan),
 * then expanded left over the local part and right over the domain with bounded loops.
 */
import { isAsciiAlphanumeric } from '../text.js';
import type { PiiCandidate, PiiRecognizer } from '../types.js';

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

/** File extensions that are no top-level domain: `logo@2x.png` is an asset name, not an address. */
export const ASSET_EXTENSIONS: ReadonlySet<string> = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'webp',
  'js',
  'css',
  'ico',
]);

/** RFC 5322 atext plus dots, without quotes, backtick and '/': those far more often delimit prose or URLs. */
const LOCAL_CHARS = new Uint8Array(128);
for (const character of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.!#$%&*+=?^_{|}~-') {
  LOCAL_CHARS[character.charCodeAt(0)] = 1;
}

function isLocalCode(code: number): boolean {
  return code < 128 && LOCAL_CHARS[code] === 1;
}

function isDomainCode(code: number): boolean {
  return isAsciiAlphanumeric(code) || code === 46 || code === 45;
}

/** Finds `local@domain.tld` with a letters-only top-level domain of 2–24 characters. */
export const emailRecognizer: PiiRecognizer = {
  type: 'email',
  name: 'email',
  contextWords: ['email', 'e-mail', 'mail', 'contact', 'reach me'],
  contextBoost: 0.05,
  find(text) {
    const candidates: PiiCandidate[] = [];
    let at = text.indexOf('@');
    while (at !== -1) {
      let next = at + 1;
      let start = at;
      while (start > 0 && at - start < MAX_LOCAL && isLocalCode(text.charCodeAt(start - 1))) start--;
      // The local part starts with a letter, digit or underscore, not with punctuation.
      while (start < at && !isAsciiAlphanumeric(text.charCodeAt(start)) && text.charCodeAt(start) !== 95)
        start++;
      if (start < at && text.charCodeAt(at - 1) !== 46) {
        let end = at + 1;
        while (end < text.length && end - at <= MAX_DOMAIN && isDomainCode(text.charCodeAt(end))) end++;
        next = end;
        // Trailing dots and hyphens are sentence punctuation.
        while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
        const domain = text.slice(at + 1, end);
        const score = scoreDomain(domain);
        if (score > 0 && !text.slice(start, at).includes('..')) {
          candidates.push({ start, end, score, recognizer: 'email' });
        }
      }
      at = text.indexOf('@', Math.max(next, at + 1));
    }
    return candidates;
  },
};

function scoreDomain(domain: string): number {
  const labels = domain.split('.');
  if (labels.length < 2) return 0;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63) return 0;
    if (label.startsWith('-') || label.endsWith('-')) return 0;
  }
  const tld = labels[labels.length - 1]!;
  if (!/^[A-Za-z]{2,24}$/.test(tld)) return 0;
  if (ASSET_EXTENSIONS.has(tld.toLowerCase())) return 0.2;
  return 0.9;
}
