/**
 * One semantic index per cache scope (tenant, agent, answer shape), loaded on first use through an
 * injected loader (the store) and evicted whole, least recently used first, to bound memory.
 */
import { StewardError } from '../../errors/index.js';
import { type CacheScope, scopeKey } from './normalize.js';
import { SemanticIndex, type SemanticMatch } from './semantic-index.js';

/** One stored vector as the loader returns it. */
export interface IndexedEntry {
  id: string;
  vector: Float32Array;
  /** Epoch milliseconds; omitted: never expires. */
  expiresAt?: number;
}

/** Reads a scope's entries, e.g. from the store; called once per scope until it is evicted. */
export type IndexLoader = (
  scope: CacheScope,
) => Promise<Iterable<IndexedEntry> | AsyncIterable<IndexedEntry>>;

export interface ScopedIndexesOptions {
  /** The embedder's dimensions; every scope holds vectors of this length. */
  dimensions: number;
  load: IndexLoader;
  /** Memory bound over all loaded scopes, in bytes; default 256 MiB. A single scope larger than this stays loaded alone. */
  maxBytes?: number;
  /** Clock for expiry, in epoch milliseconds; default Date.now. */
  now?: () => number;
  /** Use WebAssembly SIMD for scoring when available; default true. */
  accelerate?: boolean;
}

/** Which loaded scopes `invalidate` drops: a tenant, optionally narrowed to an agent and a shape. */
export interface ScopeSelector {
  tenantId: string;
  agentId?: string;
  shapeHash?: string;
}

interface LoadedScope {
  scope: CacheScope;
  index: SemanticIndex;
}

/**
 * @example
 * const indexes = new ScopedIndexes({ dimensions: 512, load: (scope) => store.semanticEntries(scope) });
 * const matches = await indexes.search(scope, vector, 3, 0.9);
 */
export class ScopedIndexes {
  readonly dimensions: number;
  readonly maxBytes: number;
  private readonly options: ScopedIndexesOptions;
  /** Map order is recency order: the first key is the least recently used. */
  private readonly loaded = new Map<string, LoadedScope>();
  private readonly loading = new Map<string, Promise<SemanticIndex>>();
  /** Bumped when a scope is invalidated, so a load that was in flight does not install stale entries. */
  private readonly generations = new Map<string, number>();

  constructor(options: ScopedIndexesOptions) {
    const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    if (!Number.isFinite(maxBytes) || maxBytes <= 0) {
      throw new StewardError(
        'invalid-config',
        `ScopedIndexes maxBytes must be a number > 0, received ${maxBytes}`,
      );
    }
    if (typeof options.load !== 'function') {
      throw new StewardError('invalid-config', 'ScopedIndexes needs load: (scope) => entries of that scope');
    }
    this.options = options;
    this.dimensions = options.dimensions;
    this.maxBytes = maxBytes;
  }

  /** Bytes held by all loaded scopes. */
  get totalBytes(): number {
    let total = 0;
    for (const { index } of this.loaded.values()) total += index.byteSize;
    return total;
  }

  /** How many scopes are loaded. */
  get scopeCount(): number {
    return this.loaded.size;
  }

  /** The loaded index of `scope` without loading it or touching its recency. */
  peek(scope: CacheScope): SemanticIndex | undefined {
    return this.loaded.get(scopeKey(scope))?.index;
  }

  /** The index of `scope`, loaded on first use; concurrent callers share one load. */
  async get(scope: CacheScope): Promise<SemanticIndex> {
    const key = scopeKey(scope);
    const hit = this.loaded.get(key);
    if (hit) {
      this.loaded.delete(key);
      this.loaded.set(key, hit);
      return hit.index;
    }
    const pending = this.loading.get(key);
    if (pending) return pending;
    const load = this.load(scope, key).finally(() => {
      if (this.loading.get(key) === load) this.loading.delete(key);
    });
    this.loading.set(key, load);
    return load;
  }

  /** The `k` nearest live entries of `scope` with similarity >= `minSimilarity`. */
  async search(
    scope: CacheScope,
    vector: Float32Array,
    k = 1,
    minSimilarity?: number,
  ): Promise<SemanticMatch[]> {
    return (await this.get(scope)).search(vector, k, minSimilarity);
  }

  /** Adds an entry to `scope` (loading it first, so the index is never a partial copy of the store). */
  async add(scope: CacheScope, entry: IndexedEntry): Promise<void> {
    const index = await this.get(scope);
    index.add(entry.id, entry.vector, entry.expiresAt);
    this.evict(scopeKey(scope));
  }

  /** Removes an entry from `scope` if that scope is loaded; the store stays the source of truth. */
  remove(scope: CacheScope, id: string): boolean {
    return this.peek(scope)?.remove(id) ?? false;
  }

  /** Drops every loaded scope the selector matches; they load again, from the store, on next use. */
  invalidate(selector: ScopeSelector): number {
    let dropped = 0;
    const matches = (scope: CacheScope) =>
      scope.tenantId === selector.tenantId &&
      (selector.agentId === undefined || scope.agentId === selector.agentId) &&
      (selector.shapeHash === undefined || scope.shapeHash === selector.shapeHash);
    for (const [key, { scope }] of [...this.loaded]) {
      if (!matches(scope)) continue;
      this.loaded.delete(key);
      dropped++;
    }
    for (const key of [...this.loading.keys()]) {
      const [tenantId, agentId, shapeHash] = JSON.parse(key) as [string, string, string];
      if (matches({ tenantId, agentId, shapeHash })) {
        this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
        this.loading.delete(key);
      }
    }
    return dropped;
  }

  /** Drops every loaded scope. */
  clear(): void {
    for (const key of this.loading.keys()) this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.loaded.clear();
    this.loading.clear();
  }

  private async load(scope: CacheScope, key: string): Promise<SemanticIndex> {
    const generation = this.generations.get(key) ?? 0;
    const index = new SemanticIndex({
      dimensions: this.dimensions,
      now: this.options.now,
      accelerate: this.options.accelerate,
    });
    const entries = await this.options.load(scope);
    for await (const entry of entries) index.add(entry.id, entry.vector, entry.expiresAt);
    // Invalidated while loading: serve this caller, but keep nothing that may already be stale.
    if ((this.generations.get(key) ?? 0) !== generation) return index;
    this.loaded.set(key, { scope: { ...scope }, index });
    this.evict(key);
    return index;
  }

  /** Evicts least recently used scopes, never `keep`, until the total fits. */
  private evict(keep: string): void {
    let total = this.totalBytes;
    for (const [key, { index }] of [...this.loaded]) {
      if (total <= this.maxBytes) return;
      if (key === keep) continue;
      this.loaded.delete(key);
      total -= index.byteSize;
    }
  }
}
