/** URLs that carry a user name and password: `scheme://user:pass@host`. Anchored on '://'. */
import { isAsciiAlphanumeric } from '../text.js';
import type { PiiCandidate, PiiRecognizer } from '../types.js';

const MAX_SCHEME = 32;
const MAX_USERINFO = 256;
const MAX_HOST = 255;

function isSchemeCode(code: number): boolean {
  return isAsciiAlphanumeric(code) || code === 43 || code === 45 || code === 46;
}

/** Userinfo ends at whitespace or at the characters that end the authority (/ ? # @). */
function isUserinfoCode(code: number): boolean {
  return code > 32 && code !== 47 && code !== 63 && code !== 35 && code !== 64 && code !== 127;
}

function isHostCode(code: number): boolean {
  // letters, digits, . - : [ ] (IPv6 literals and ports)
  return isAsciiAlphanumeric(code) || code === 46 || code === 45 || code === 58 || code === 91 || code === 93;
}

/** Finds URLs whose authority holds `user:password@`; the span runs from the scheme to the end of the host. */
export const urlCredentialsRecognizer: PiiRecognizer = {
  type: 'url-credentials',
  name: 'url-credentials',
  find(text) {
    const candidates: PiiCandidate[] = [];
    let marker = text.indexOf('://');
    while (marker !== -1) {
      let start = marker;
      while (start > 0 && marker - start < MAX_SCHEME && isSchemeCode(text.charCodeAt(start - 1))) start--;
      while (start < marker && !/[A-Za-z]/.test(text[start]!)) start++;
      const userinfoStart = marker + 3;
      let at = userinfoStart;
      while (at < text.length && at - userinfoStart < MAX_USERINFO && isUserinfoCode(text.charCodeAt(at)))
        at++;
      let next = userinfoStart;
      if (start < marker && text.charCodeAt(at) === 64) {
        const userinfo = text.slice(userinfoStart, at);
        const colon = userinfo.indexOf(':');
        if (colon !== -1 && colon < userinfo.length - 1) {
          let end = at + 1;
          while (end < text.length && end - at <= MAX_HOST && isHostCode(text.charCodeAt(end))) end++;
          while (end > at + 1 && /[.:-]/.test(text[end - 1]!)) end--;
          if (end > at + 1) {
            candidates.push({ start, end, score: 0.95, recognizer: 'url-credentials' });
            next = end;
          }
        }
      }
      marker = text.indexOf('://', next);
    }
    return candidates;
  },
};
