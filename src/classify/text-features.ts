/**
 * The features a request is classified by: its words, lower-cased, without punctuation, a longer word cut
 * to a rough stem (`charged` and `charges` both read `charg`), a slot (an order number, a date: three
 * characters or more with a digit, src/classify/slots.ts) read as the one word `0slot`, and each pair of
 * neighbouring words; with `grams`, also every four characters of the cleaned text (spaces included, one at
 * each end), which read `recieved` and `received`, or `top-up` and `topped up`, as mostly the same;
 * weighted by count and scaled to unit length. Kept as one source string, because the same function runs
 * in two places that must agree: here on the host (detection, the offline handler writer) and inside the
 * QuickJS sandbox, in the handlers the offline writer writes.
 */

/**
 * ES5 source of `function textFeatures(text, grams)`, returning `[term, weight]` pairs in first-seen order.
 * Detection reads words and pairs only (a model over a whole history, where the grams would quadruple the
 * work); handlers read the grams too. In a prototype of the replay on a development split of banking77
 * (two thirds of train.csv as history, the other third served; never test.csv), handlers with them
 * answered 54.9% of the served requests with 0.82% wrong, against 49.4% with 0.85% wrong without; pieces
 * of 3 to 5 characters answered 55.5% with 0.87% wrong, at twice the handler's size.
 */
export const textFeaturesSource = `function textFeatures(text, grams) {
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
  if (grams) {
    var padded = ' ' + cleaned + ' ';
    for (var g = 0; g + 4 <= padded.length; g++) add('c:' + padded.slice(g, g + 4));
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
  grams?: boolean,
) => TextFeatures;

/** The stemmed words of a text (the `w:` terms), for vocabulary checks. */
export function textWords(text: string): string[] {
  return textFeatures(text)
    .filter(([term]) => term.startsWith('w:'))
    .map(([term]) => term.slice(2));
}
