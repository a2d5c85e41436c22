/**
 * Verified keys kept in process by public id, so a key check costs a hash and a map lookup. Every drop
 * bumps `generation`: a load that started before a drop must not put back what the drop removed.
 */
import type { Caller } from './permissions.js';

/** What a key check needs of a stored key. */
export interface CachedKey {
  id: string;
  secretHash: Buffer;
  caller: Caller;
  expiresAt: number | null;
  revokedAt: number | null;
}

export class KeyCache {
  private readonly entries = new Map<string, CachedKey>();
  private generationValue = 0;
  /** Whether any key exists in the store, while known. */
  anyKey: boolean | undefined;

  constructor(private readonly maxEntries: number) {}

  /** Changes on every drop; compare before and after a load. */
  get generation(): number {
    return this.generationValue;
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: string): CachedKey | undefined {
    return this.entries.get(id);
  }

  set(entry: CachedKey): void {
    this.entries.delete(entry.id);
    // Oldest first out: Map iterates in insertion order.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(entry.id, entry);
  }

  /** Drops one key, or every key when `id` is undefined; either way `anyKey` is unknown again. */
  drop(id: string | undefined): void {
    this.generationValue++;
    this.anyKey = undefined;
    if (id === undefined) this.entries.clear();
    else this.entries.delete(id);
  }
}
