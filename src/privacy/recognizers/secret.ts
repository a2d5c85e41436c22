/**
 * Secrets: API keys recognised by their vendor prefix, JWTs, bearer tokens, passwords after a
 * context word ("password:", "pwd=", "passcode"), and, as a low-score fallback that needs a nearby
 * "key"/"token"/"secret" to be reported, long high-entropy strings mixing upper, lower and digits.
 */
import { shannonEntropy } from '../text.js';
import type { PiiCandidate, PiiRecognizer } from '../types.js';

interface KeyPattern {
  name: string;
  /** Sticky: tried only where PREFIX found the start of some vendor's key. */
  regex: RegExp;
  score: number;
}

/** Where a vendor key may start; one scan of the text finds them all. */
const PREFIX =
  /(?<![A-Za-z0-9_-])(?:sk-|gh[pousr]_|github_pat_|xox[baprs]-|AKIA|ASIA|AIza|[srp]k_(?:live|test)_|eyJ|whsec_)/g;

/** Tried in order at each prefix: the Anthropic pattern before the generic `sk-` one. */
const KEY_PATTERNS: KeyPattern[] = [
  { name: 'anthropic-key', regex: /sk-ant-[A-Za-z0-9_-]{20,300}/y, score: 0.95 },
  { name: 'openai-key', regex: /sk-[A-Za-z0-9_-]{20,300}/y, score: 0.85 },
  { name: 'github-token', regex: /gh[pousr]_[A-Za-z0-9]{30,255}/y, score: 0.95 },
  { name: 'github-pat', regex: /github_pat_[A-Za-z0-9_]{22,255}/y, score: 0.95 },
  { name: 'slack-token', regex: /xox[baprs]-[A-Za-z0-9-]{10,250}/y, score: 0.9 },
  { name: 'aws-access-key', regex: /(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/y, score: 0.9 },
  { name: 'google-api-key', regex: /AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/y, score: 0.9 },
  { name: 'stripe-key', regex: /[srp]k_(?:live|test)_[0-9A-Za-z]{16,247}/y, score: 0.9 },
  { name: 'stripe-webhook-secret', regex: /whsec_[A-Za-z0-9+/=]{24,247}/y, score: 0.9 },
  {
    name: 'jwt',
    regex: /eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{8,2000}/y,
    score: 0.9,
  },
];

const BEARER = /\bBearer[ \t]{1,3}([A-Za-z0-9._~+/-]{16,4096}=*)/g;

const PASSWORD =
  /\b(?:password|passwd|pwd|passcode|pass\s?code|passphrase|pin(?:\s?code)?)(?:[ \t]{1,3}(?:for|to|on)[ \t]{1,3}(?:the[ \t]{1,3}|my[ \t]{1,3}|our[ \t]{1,3}|your[ \t]{1,3})?[\w-]{1,24})?[ \t]{0,3}(?<separator>is|was|[:=])[ \t]{0,3}["'“‘]?(?<value>[^\s"'”’]{1,128})/gi;

/** Words that follow "password is"/"password:" in ordinary sentences about passwords. */
const NOT_PASSWORDS = new Set(
  `not wrong incorrect invalid expired correct the a an too still reset required needed missing changed
  updated same below above here there please click enter n/a na none empty blank set sent working fine ok
  locked forgotten lost weak strong case-sensitive different`.split(/\s+/),
);

const ENTROPY_THRESHOLD = 3.6;
const TOKEN_MIN = 20;
const TOKEN_MAX = 512;

/** ASCII characters a key or token is made of: letters, digits and _ + / = -. */
const TOKEN_CHARS = new Uint8Array(128);
for (const character of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=-') {
  TOKEN_CHARS[character.charCodeAt(0)] = 1;
}

function isTokenCode(code: number): boolean {
  return code < 128 && TOKEN_CHARS[code] === 1;
}

/**
 * High-entropy runs of token characters, 20–512 long. Any such run covers one of every 20th
 * position, so only those are probed and expanded (a regex restarts inside every word instead).
 */
function findHighEntropyRuns(text: string, candidates: PiiCandidate[]): void {
  const length = text.length;
  let probe = TOKEN_MIN - 1;
  while (probe < length) {
    if (!isTokenCode(text.charCodeAt(probe))) {
      probe += TOKEN_MIN;
      continue;
    }
    let start = probe;
    while (start > 0 && isTokenCode(text.charCodeAt(start - 1))) start--;
    let end = probe + 1;
    while (end < length && isTokenCode(text.charCodeAt(end))) end++;
    const runLength = end - start;
    if (runLength >= TOKEN_MIN && runLength <= TOKEN_MAX && isHighEntropyToken(text.slice(start, end))) {
      candidates.push({ start, end, score: 0.4, recognizer: 'secret.high-entropy' });
    }
    // The next run starts after `end` at the earliest, so end + 19 is the first probe it must cover.
    probe = end + TOKEN_MIN - 1;
  }
}

function trimTrailingPunctuation(value: string): string {
  return value.replace(/[.,;:)\]}>]+$/u, '');
}

function looksLikePassword(value: string, separator: string): boolean {
  if (value.length < 3 || NOT_PASSWORDS.has(value.toLowerCase())) return false;
  if (separator === ':' || separator === '=') return true;
  // After "is"/"was", plain lower-case words are usually prose ("my password is broken").
  return /\d/.test(value) || /[^A-Za-z0-9]/.test(value) || /.[A-Z]/.test(value);
}

/** Mixed classes and high Shannon entropy: random-looking, not a word, path or order number. */
export function isHighEntropyToken(token: string): boolean {
  if (!/[a-z]/.test(token) || !/[A-Z]/.test(token) || !/\d/.test(token)) return false;
  // URL paths and slugs: mostly dictionary words split by / or -.
  if (/^[/-]|\/\//.test(token)) return false;
  return shannonEntropy(token) >= ENTROPY_THRESHOLD;
}

/** Finds API keys, JWTs, bearer tokens, passwords and (low-score) high-entropy strings. */
export const secretRecognizer: PiiRecognizer = {
  type: 'secret',
  name: 'secret',
  contextWords: [
    'key',
    'api key',
    'token',
    'secret',
    'credential',
    'credentials',
    'auth',
    'password',
    'apikey',
  ],
  contextBoost: 0.3,
  find(text) {
    const candidates: PiiCandidate[] = [];
    PREFIX.lastIndex = 0;
    for (let prefix = PREFIX.exec(text); prefix !== null; prefix = PREFIX.exec(text)) {
      for (const pattern of KEY_PATTERNS) {
        pattern.regex.lastIndex = prefix.index;
        const match = pattern.regex.exec(text);
        if (match === null) continue;
        const end = prefix.index + match[0].length;
        candidates.push({
          start: prefix.index,
          end,
          score: pattern.score,
          recognizer: `secret.${pattern.name}`,
        });
        PREFIX.lastIndex = end;
        break;
      }
    }
    if (text.includes('earer')) {
      BEARER.lastIndex = 0;
      for (let match = BEARER.exec(text); match !== null; match = BEARER.exec(text)) {
        const token = match[1] ?? '';
        const start = match.index + match[0].length - token.length;
        candidates.push({ start, end: start + token.length, score: 0.9, recognizer: 'secret.bearer-token' });
      }
    }
    PASSWORD.lastIndex = 0;
    for (let match = PASSWORD.exec(text); match !== null; match = PASSWORD.exec(text)) {
      const separator = (match.groups?.separator ?? '').toLowerCase();
      const value = trimTrailingPunctuation(match.groups?.value ?? '');
      if (!looksLikePassword(value, separator)) continue;
      const start = match.index + match[0].length - (match.groups?.value ?? '').length;
      candidates.push({ start, end: start + value.length, score: 0.85, recognizer: 'secret.password' });
    }
    findHighEntropyRuns(text, candidates);
    return candidates;
  },
};
