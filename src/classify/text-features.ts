/**
 * The features a request is classified by: its words, lower-cased, without punctuation, a longer word cut
 * to a rough stem (`charged` and `charges` both read `charg`), a slot (an order number, a date: three
 * characters or more with a digit, src/classify/slots.ts) read as the one word `0slot`, and each pair of
 * neighbouring words;
 * weighted by count and scaled to unit length. Kept as one source string, because the same function runs
 * in two places that must agree: here on the host (detection, the offline handler writer) and inside the
 * QuickJS sandbox, in the handlers the offline writer writes.
 */

/** ES5 source of `function textFeatures(text)`, returning `[term, weight]` pairs in first-seen order. */
export const textFeaturesSource = `function textFeatures(text) {
  var cleaned = String(text).replace(/[A-Za-z0-9][A-Za-z0-9\\/-]*/g, function (word) {
    return word.length >= 3 && /[0-9]/.test(word) ? ' 0slot ' : word;
  }).toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').replace(/'/g, '').replace(/\\s+/g, ' ').trim();
  var raw = cleaned.length > 0 ? cleaned.split(' ') : [];
  var words = [];
  for (var i = 0; i < raw.length; i++) words.push(raw[i].length > 4 ? raw[i].replace(/(ing|ed|es|s|ly)$/, '') : raw[i]);
  var counts = {};
  var terms = [];
  function add(term) {
    if (counts[term] === undefined) {
      counts[term] = 0;
      terms.push(term);
    }
    counts[term] += 1;
  }
  for (var j = 0; j < words.length; j++) {
    add('w:' + words[j]);
    if (j + 1 < words.length) add('b:' + words[j] + ' ' + words[j + 1]);
  }
  var norm = 0;
  for (var k = 0; k < terms.length; k++) norm += counts[terms[k]] * counts[terms[k]];
  norm = Math.sqrt(norm) || 1;
  var features = [];
  for (var m = 0; m < terms.length; m++) features.push([terms[m], counts[terms[m]] / norm]);
  return features;
}`;

export type TextFeatures = Array<[term: string, weight: number]>;

/** The same function on the host. */
export const textFeatures = new Function(`${textFeaturesSource}; return textFeatures;`)() as (
  text: string,
) => TextFeatures;

/** The stemmed words of a text (the `w:` terms), for vocabulary checks. */
export function textWords(text: string): string[] {
  return textFeatures(text)
    .filter(([term]) => term.startsWith('w:'))
    .map(([term]) => term.slice(2));
}
