/** Small, allocation-light text helpers the recognizers share. */

/** True for ASCII letters and digits. */
export function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** True for ASCII digits. */
export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** True for what `\w` matches without the `u` flag: letters, digits, underscore. */
export function isWordCode(code: number): boolean {
  return isAsciiAlphanumeric(code) || code === 95;
}

/** The digits of `value`, in order, with everything else dropped. */
export function digitsOf(value: string): string {
  let digits = '';
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (isDigit(code)) digits += value[index];
  }
  return digits;
}

/**
 * Whether `haystack` (already lower-case) contains one of `words` as a whole word or phrase, that is
 * not glued to letters or digits on either side ("card" matches "card:" but not "cardigan").
 */
export function containsWord(haystack: string, words: readonly string[]): boolean {
  for (const word of words) {
    let index = haystack.indexOf(word);
    while (index !== -1) {
      const before = index === 0 ? 32 : haystack.charCodeAt(index - 1);
      const after = index + word.length >= haystack.length ? 32 : haystack.charCodeAt(index + word.length);
      if (!isAsciiAlphanumeric(before) && !isAsciiAlphanumeric(after)) return true;
      index = haystack.indexOf(word, index + 1);
    }
  }
  return false;
}

/** Shannon entropy of `value` in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let entropy = 0;
  for (const count of counts.values()) {
    const probability = count / value.length;
    entropy -= probability * Math.log2(probability);
  }
  return entropy;
}

/** Clamps a score into 0..1 and rounds it to two decimals, so reports stay readable. */
export function clampScore(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 100) / 100;
}
