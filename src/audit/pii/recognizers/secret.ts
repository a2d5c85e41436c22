/**
 * Secrets: API keys recognised by their vendor prefix, JWTs, bearer tokens, passwords after a
 * context word ("password:", "pwd=", "passcode"), and, as a low-score fallback that needs a nearby
 * "key"/"token"/"secret" to be reported, long high-entropy strings mixing upper, lower and digits.
 */
import { shannonEntropy } from '../text.js';
import type { PiiCandidate, PiiRecognizer } from '../types.js';

interface KeyPattern {
  name: string;
  /** Starts with a literal, so the regex engine skips ahead cheaply. */
  regex: RegExp;
  score: number;
  /** Quick test before running the regex at all. */
  hint: string;
}

const BOUNDARY = '(?<![A-Za-z0-9_-])';

const KEY_PATTERNS: KeyPattern[] = [
  { name: 'anthropic-key', hint: 'sk-ant-', regex: new RegExp(`${BOUNDARY}sk-ant-[A-Za-z0-9_-]{20,300}`, 'g'), score: 0.95 },
  { name: 'openai-key', hint: 'sk-', regex: new RegExp(`${BOUNDARY}sk-(?!ant-)[A-Za-z0-9_-]{20,300}`, 'g'), score: 0.85 },
  { name: 'github-token', hint: '_', regex: new RegExp(`${BOUNDARY}gh[pousr]_[A-Za-z0-9]{30,255}`, 'g'), score: 0.95 },
  { name: 'github-pat', hint: 'github_pat_', regex: new RegExp(`${BOUNDARY}github_pat_[A-Za-z0-9_]{22,255}`, 'g'), score: 0.95 },
  { name: 'slack-token', hint: 'xox', regex: new RegExp(`${BOUNDARY}xox[baprs]-[A-Za-z0-9-]{10,250}`, 'g'), score: 0.9 },
  { name: 'aws-access-key', hint: 'IA', regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g, score: 0.9 },
  { name: 'google-api-key', hint: 'AIza', regex: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, score: 0.9 },
  { name: 'stripe-key', hint: 'k_', regex: new RegExp(`${BOUNDARY}(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,247}`, 'g'), score: 0.9 },
  {
    name: 'jwt',
    hint: 'eyJ',
    regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{8,2000}/g,
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

const ENTROPY_TOKEN = /(?<![A-Za-z0-9_+/=-])[A-Za-z0-9_+/=-]{20,512}(?![A-Za-z0-9_+/=-])/g;
const ENTROPY_THRESHOLD = 3.6;

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
  contextWords: ['key', 'api key', 'token', 'secret', 'credential', 'credentials', 'auth', 'password', 'apikey'],
  contextBoost: 0.3,
  find(text) {
    const candidates: PiiCandidate[] = [];
    for (const pattern of KEY_PATTERNS) {
      if (!text.includes(pattern.hint)) continue;
      for (const match of text.matchAll(pattern.regex)) {
        candidates.push({
          start: match.index,
          end: match.index + match[0].length,
          score: pattern.score,
          recognizer: `secret.${pattern.name}`,
        });
      }
    }
    if (text.includes('earer')) {
      for (const match of text.matchAll(BEARER)) {
        const token = match[1] ?? '';
        const start = match.index + match[0].length - token.length;
        candidates.push({ start, end: start + token.length, score: 0.9, recognizer: 'secret.bearer-token' });
      }
    }
    for (const match of text.matchAll(PASSWORD)) {
      const separator = (match.groups?.separator ?? '').toLowerCase();
      const value = trimTrailingPunctuation(match.groups?.value ?? '');
      if (!looksLikePassword(value, separator)) continue;
      const start = match.index + match[0].length - (match.groups?.value ?? '').length;
      candidates.push({ start, end: start + value.length, score: 0.85, recognizer: 'secret.password' });
    }
    for (const match of text.matchAll(ENTROPY_TOKEN)) {
      if (!isHighEntropyToken(match[0])) continue;
      candidates.push({
        start: match.index,
        end: match.index + match[0].length,
        score: 0.4,
        recognizer: 'secret.high-entropy',
      });
    }
    return candidates;
  },
};
