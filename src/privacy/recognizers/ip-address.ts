/**
 * IPv4 and IPv6 addresses. IPv4 needs exactly four octets of 0–255 without leading zeros, not glued
 * to letters or further dots (so `v1.2.3.4` and `1.2.3.4.5` are versions, and `1.2.3` never
 * matches); IPv6 is validated group by group, with at most one `::`.
 */
import type { PiiCandidate, PiiRecognizer } from '../types.js';

const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)/g;
// At least two colons; each step must consume a colon, so backtracking stays bounded. Sticky: it
// runs only where a scan for ':' between hex digits found a possible address.
const IPV6 = /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:]|\.\d)/y;

function isHexOrColon(code: number): boolean {
  return (code >= 48 && code <= 58) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function isSingleDigit(part: string): boolean {
  return part.length === 1;
}

function isOctet(part: string): boolean {
  if (part.length > 1 && part.startsWith('0')) return false;
  return Number(part) <= 255;
}

/** Whether `value` is a well-formed IPv6 address (no zone id, no embedded IPv4). */
export function isIpv6(value: string): boolean {
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const groups = [...head, ...tail];
  if (!groups.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}

/** Finds IPv4 and IPv6 addresses; documentation-looking ones (all octets < 10, `::1`) score low. */
export const ipAddressRecognizer: PiiRecognizer = {
  type: 'ip-address',
  name: 'ip-address',
  contextWords: [
    'ip',
    'address',
    'server',
    'host',
    'router',
    'vpn',
    'connect',
    'connecting',
    'login',
    'logged',
  ],
  contextBoost: 0.15,
  negativeContextWords: ['version', 'v', 'build', 'release', 'firmware', 'section', 'chapter', 'step'],
  find(text) {
    const candidates: PiiCandidate[] = [];
    if (text.includes('.')) {
      IPV4.lastIndex = 0;
      for (let match = IPV4.exec(text); match !== null; match = IPV4.exec(text)) {
        const parts = match[0].split('.');
        if (!parts.every(isOctet)) continue;
        const trivial =
          parts.every(isSingleDigit) || match[0] === '0.0.0.0' || match[0] === '255.255.255.255';
        candidates.push({
          start: match.index,
          end: match.index + match[0].length,
          score: trivial ? 0.35 : 0.75,
          recognizer: 'ip-address.v4',
        });
      }
    }
    let colon = text.indexOf(':');
    while (colon !== -1) {
      let next = colon + 1;
      if (isHexOrColon(text.charCodeAt(colon + 1)) || isHexOrColon(text.charCodeAt(colon - 1))) {
        let start = colon;
        while (start > 0 && colon - start < 40 && isHexOrColon(text.charCodeAt(start - 1))) start--;
        IPV6.lastIndex = start;
        const match = IPV6.exec(text);
        if (match) {
          const value = match[0];
          next = start + value.length;
          if (isIpv6(value)) {
            const groups = value.split(':').filter((group) => group !== '').length;
            const hexDigits = value.replace(/:/g, '').length;
            candidates.push({
              start,
              end: next,
              score: groups >= 3 && hexDigits >= 4 ? 0.8 : 0.3,
              recognizer: 'ip-address.v6',
            });
          }
        }
      }
      colon = text.indexOf(':', Math.max(next, colon + 1));
    }
    return candidates;
  },
};
