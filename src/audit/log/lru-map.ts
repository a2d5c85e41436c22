/** A small least-recently-used map: bounded per-process state keyed by tenant or agent (never unbounded over a fleet). */
/**
 * A Map that keeps at most `capacity` entries, dropping the least recently used.
 *
 * @example
 * const states = new LruMap<string, AgentState>(10_000);
 * const state = states.get(key) ?? states.set(key, newAgentState(tenantId, agentId, at));
 */
export class LruMap<Key, Value> {
  private readonly entries = new Map<Key, Value>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value, marked as most recently used. */
  get(key: Key): Value | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // A Map iterates in insertion order: re-inserting moves the key to the most recent end.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Stores the value and returns it; drops the least recently used entry past capacity. */
  set(key: Key, value: Value): Value {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return value;
  }

  delete(key: Key): void {
    this.entries.delete(key);
  }

  /** Entries from least to most recently used. */
  [Symbol.iterator](): IterableIterator<[Key, Value]> {
    return this.entries[Symbol.iterator]();
  }
}
