/** The seam between the semantic cache and whatever turns text into vectors. */

/**
 * Turns texts into L2-normalised vectors, so that the dot product of two vectors is their cosine
 * similarity. Vectors from different embedders (or different `id`s) are not comparable: a cache keeps
 * the `id` beside each stored vector and re-embeds when it changes.
 *
 * @example
 * const [vector] = await embedder.embed(['When do you open on Sunday?']);
 * // vector.length === embedder.dimensions
 */
export interface Embedder {
  /** Names the model and every setting that changes its vectors, e.g. `hashing-v1`, `use-v1`. */
  readonly id: string;
  readonly dimensions: number;
  /** One vector per text, in the order given. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

/**
 * Scales `vector` in place to unit length and returns it; a zero vector stays zero.
 *
 * @example l2Normalize(Float32Array.of(3, 4)) // Float32Array [0.6, 0.8]
 */
export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let index = 0; index < vector.length; index++) vector[index] = vector[index]! * scale;
  return vector;
}

/**
 * The dot product, which is the cosine similarity for normalised vectors.
 *
 * @example dotProduct(Float32Array.of(0.6, 0.8), Float32Array.of(1, 0)) // 0.6
 */
export function dotProduct(left: Float32Array, right: Float32Array): number {
  const length = Math.min(left.length, right.length);
  let sum = 0;
  for (let index = 0; index < length; index++) sum += left[index]! * right[index]!;
  return sum;
}
