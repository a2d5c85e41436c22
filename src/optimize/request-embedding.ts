/**
 * One embedding per request and embedder: the cache tier's lookup and store and the pattern tier's
 * vote and observation all need the vector of the same message, so it is computed once and kept with
 * the request's context (a weak reference: it goes when the request does).
 */

import type { TierContext } from '../pipeline/index.js';
import type { Embedder } from './cache/index.js';

const vectors = new WeakMap<TierContext, Map<string, Promise<Float32Array>>>();

/**
 * @example
 * const vector = await embedRequest(embedder, context); // the same promise for every tier of this request
 */
export function embedRequest(embedder: Embedder, context: TierContext): Promise<Float32Array> {
  let byEmbedder = vectors.get(context);
  if (!byEmbedder) {
    byEmbedder = new Map();
    vectors.set(context, byEmbedder);
  }
  let vector = byEmbedder.get(embedder.id);
  if (!vector) {
    vector = embedder.embed([context.text]).then(([first]) => first!);
    // A failed embedding is not kept: a later tier may try again.
    vector.catch(() => byEmbedder.delete(embedder.id));
    byEmbedder.set(embedder.id, vector);
  }
  return vector;
}
