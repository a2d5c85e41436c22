/**
 * Exact nearest-neighbour search over the cached requests of one scope: every stored vector is scored
 * (dot product of normalised vectors = cosine similarity). Exact search is simple and fast enough for
 * a small business's cache (10,000 entries in a few milliseconds) and never misses the true nearest.
 */
import { StewardError } from '../../errors/index.js';
import { createDotProductKernel, type DotProductKernel, simdAvailable } from './dot-product-kernel.js';

export interface SemanticMatch {
  id: string;
  /** Cosine similarity in -1..1 (1 = same direction). */
  similarity: number;
}

export interface SemanticIndexOptions {
  /** Length of every vector, the embedder's `dimensions`. */
  dimensions: number;
  /**
   * Rows to allocate up front; the index doubles as it fills. Default 1: a server keeps an index per live
   * agent and scope, most holding a handful of entries, and 64 rows of 512 dimensions were 128 KiB each.
   */
  initialCapacity?: number;
  /** Clock for expiry, in epoch milliseconds; default Date.now. */
  now?: () => number;
  /** Use WebAssembly SIMD for scoring when available; default true. */
  accelerate?: boolean;
  /**
   * Entries from which scoring moves to WebAssembly SIMD; default 512. Below it JavaScript is as fast,
   * and each WebAssembly memory reserves ~10 GB of address space (a process gets ~13,000 of them), so
   * the many small scopes of a multi-tenant server must not each hold one.
   */
  accelerateFrom?: number;
}

// Rough per-entry cost of the id, its map slot and its expiry, on top of the vector.
const ENTRY_OVERHEAD_BYTES = 96;

/**
 * @example
 * const index = new SemanticIndex({ dimensions: embedder.dimensions });
 * index.add('entry-1', vector, Date.now() + 3_600_000);
 * index.search(queryVector, 3) // [{ id: 'entry-1', similarity: 0.97 }]
 */
export class SemanticIndex {
  readonly dimensions: number;
  private kernel: DotProductKernel;
  private readonly now: () => number;
  private readonly accelerateFrom: number;
  private ids: string[] = [];
  private expiries: Float64Array;
  private readonly rows = new Map<string, number>();
  private idBytes = 0;

  constructor(options: SemanticIndexOptions) {
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1) {
      throw new StewardError(
        'invalid-config',
        `SemanticIndex dimensions must be a positive integer (the embedder's dimensions), received ${options.dimensions}`,
      );
    }
    this.dimensions = options.dimensions;
    this.accelerateFrom =
      options.accelerate === false || !simdAvailable()
        ? Number.POSITIVE_INFINITY
        : (options.accelerateFrom ?? 512);
    const initialCapacity = Math.max(1, options.initialCapacity ?? 1);
    this.kernel = createDotProductKernel(options.dimensions, {
      initialCapacity,
      accelerate: initialCapacity >= this.accelerateFrom,
    });
    this.expiries = new Float64Array(this.kernel.capacity);
    this.now = options.now ?? Date.now;
  }

  /** Entries held, including expired ones not yet removed by `expire`. */
  get size(): number {
    return this.ids.length;
  }

  /** Approximate memory held: vector storage (with spare capacity) plus per-entry bookkeeping. */
  get byteSize(): number {
    return (
      this.kernel.byteLength +
      this.expiries.byteLength +
      this.ids.length * ENTRY_OVERHEAD_BYTES +
      this.idBytes
    );
  }

  /** Whether scoring runs on WebAssembly SIMD. */
  get accelerated(): boolean {
    return this.kernel.accelerated;
  }

  has(id: string): boolean {
    return this.rows.has(id);
  }

  /** Stores `vector` (copied) under `id`, replacing an entry with the same id. `expiresAt` in epoch ms. */
  add(id: string, vector: Float32Array, expiresAt = Number.POSITIVE_INFINITY): void {
    this.checkVector(vector);
    let row = this.rows.get(id);
    if (row === undefined) {
      row = this.ids.length;
      this.ensureCapacity(row + 1);
      this.ids.push(id);
      this.rows.set(id, row);
      this.idBytes += id.length * 2;
    }
    this.kernel.writeRow(row, vector);
    this.expiries[row] = expiresAt;
  }

  /** Removes one entry; false if it was not there. */
  remove(id: string): boolean {
    const row = this.rows.get(id);
    if (row === undefined) return false;
    // Move the last row into the hole so rows stay dense.
    const last = this.ids.length - 1;
    if (row !== last) {
      const lastId = this.ids[last]!;
      this.kernel.copyRow(last, row);
      this.expiries[row] = this.expiries[last]!;
      this.ids[row] = lastId;
      this.rows.set(lastId, row);
    }
    this.ids.pop();
    this.rows.delete(id);
    this.idBytes -= id.length * 2;
    return true;
  }

  /** Removes every entry whose expiry is at or before `now`; returns how many. */
  expire(now = this.now()): number {
    let removed = 0;
    for (let row = this.ids.length - 1; row >= 0; row--) {
      if (this.expiries[row]! <= now && this.remove(this.ids[row]!)) removed++;
    }
    return removed;
  }

  /** Removes every entry. */
  clear(): void {
    for (const id of [...this.ids]) this.remove(id);
  }

  /** The stored vector of `id` (a copy), or undefined. */
  vectorOf(id: string): Float32Array | undefined {
    const row = this.rows.get(id);
    return row === undefined ? undefined : this.kernel.readRow(row, this.dimensions);
  }

  /**
   * The `k` most similar live entries, most similar first, with similarity >= `minSimilarity`.
   * Expired entries are skipped (and left for `expire` to remove).
   */
  search(vector: Float32Array, k = 1, minSimilarity = Number.NEGATIVE_INFINITY): SemanticMatch[] {
    this.checkVector(vector);
    const count = this.ids.length;
    if (count === 0 || k < 1) return [];
    const scores = this.kernel.scores(vector, count);
    const now = this.now();
    // Insertion into a short sorted list: k is small (1–10), so this beats sorting 10,000 scores.
    const best: SemanticMatch[] = [];
    let floor = minSimilarity;
    for (let row = 0; row < count; row++) {
      const similarity = scores[row]!;
      if (similarity < floor || (best.length === k && similarity <= floor)) continue;
      if (this.expiries[row]! <= now) continue;
      let position = best.length;
      while (position > 0 && best[position - 1]!.similarity < similarity) position--;
      best.splice(position, 0, { id: this.ids[row]!, similarity });
      if (best.length > k) best.pop();
      if (best.length === k) floor = Math.max(minSimilarity, best[k - 1]!.similarity);
    }
    return best;
  }

  private ensureCapacity(rows: number): void {
    if (!this.kernel.accelerated && rows >= this.accelerateFrom) {
      const accelerated = createDotProductKernel(this.dimensions, {
        initialCapacity: Math.max(rows, this.kernel.capacity),
        accelerate: true,
      });
      for (let row = 0; row < this.ids.length; row++)
        accelerated.writeRow(row, this.kernel.readRow(row, this.dimensions));
      this.kernel = accelerated;
    }
    this.kernel.ensureCapacity(rows);
    if (this.expiries.length < this.kernel.capacity) {
      const expiries = new Float64Array(this.kernel.capacity);
      expiries.set(this.expiries);
      this.expiries = expiries;
    }
  }

  private checkVector(vector: Float32Array): void {
    if (vector.length !== this.dimensions) {
      throw new StewardError(
        'invalid-request',
        `Vector has ${vector.length} dimensions but this index holds ${this.dimensions}; embed with the same embedder the index was built for (rebuild the index after changing embedders)`,
      );
    }
  }
}
