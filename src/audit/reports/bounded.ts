/** Bounded containers and payload readers for report collectors: memory stays flat however many records pass. */

/** Keys a tally holds before the rest are counted under {@link OTHER_KEY}. */
const MAX_TALLY_KEYS = 10_000;
export const OTHER_KEY = '(other)';

/** Counts per key; past `maxKeys` distinct keys, new keys are counted together under `(other)`. */
export class BoundedTally<Value> {
  private readonly entries = new Map<string, Value>();

  constructor(
    private readonly create: () => Value,
    private readonly maxKeys = MAX_TALLY_KEYS,
  ) {}

  /** The value for `key` (created when new), or the shared `(other)` value once the map is full. */
  get(key: string): Value {
    let value = this.entries.get(key);
    if (value === undefined) {
      const slot = this.entries.size >= this.maxKeys ? OTHER_KEY : key;
      value = this.entries.get(slot);
      if (value === undefined) {
        value = this.create();
        this.entries.set(slot, value);
      }
    }
    return value;
  }

  values(): [string, Value][] {
    return [...this.entries];
  }
}

/** What orders listed entries: time, then tenant, then seq (the order of the log within a tenant). */
export interface Ordered {
  at: number;
  tenantId: string;
  seq: number;
}

function compareOrdered(a: Ordered, b: Ordered): number {
  return a.at - b.at || (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0) || a.seq - b.seq;
}

/**
 * The `limit` earliest entries offered, whatever order they come in (several tenants' and event
 * types' streams, each in time order): a max-heap of at most `limit` entries, so memory is bounded.
 */
export class EarliestEntries<Entry extends Ordered> {
  private readonly heap: Entry[] = [];
  /** True once an entry was left out. */
  truncated = false;

  constructor(private readonly limit: number) {}

  /** Whether an entry at this position would be kept; build the entry only then. */
  accepts(position: Ordered): boolean {
    if (this.heap.length < this.limit) return true;
    this.truncated = true;
    const latest = this.heap[0];
    return latest !== undefined && compareOrdered(position, latest) < 0;
  }

  offer(entry: Entry): void {
    if (!this.accepts(entry)) return;
    if (this.heap.length < this.limit) {
      this.heap.push(entry);
      this.siftUp(this.heap.length - 1);
    } else {
      this.heap[0] = entry;
      this.siftDown(0);
    }
  }

  /** The kept entries, earliest first. */
  sorted(): Entry[] {
    return [...this.heap].sort(compareOrdered);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (compareOrdered(heap[index]!, heap[parent]!) <= 0) return;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let largest = index;
      if (left < heap.length && compareOrdered(heap[left]!, heap[largest]!) > 0) largest = left;
      if (right < heap.length && compareOrdered(heap[right]!, heap[largest]!) > 0) largest = right;
      if (largest === index) return;
      [heap[index], heap[largest]] = [heap[largest]!, heap[index]!];
      index = largest;
    }
  }
}

/** Increments `record[key]`. */
export function increment(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

const ENCRYPTED_PREFIX = 'enc:v1:';
const MAX_TEXT = 500;

/**
 * A payload string for display: null when absent, `[encrypted]` for an encrypted envelope (a report
 * never carries ciphertext), and at most 500 characters.
 */
export function payloadText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text.startsWith(ENCRYPTED_PREFIX)) return '[encrypted]';
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

export function payloadNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The payload's scalar fields as compact `key=value` pairs (encrypted values hidden), for one table cell. */
export function scalarSummary(payload: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(payload)) {
    if (value === null || typeof value === 'object') continue;
    parts.push(`${key}=${payloadText(value)}`);
  }
  return payloadText(parts.join(', ')) ?? '';
}

/** `[key, count]` pairs, largest first, then by key. */
export function sortedCounts(record: Record<string, number>): [string, number][] {
  return Object.entries(record).sort(([a, left], [b, right]) => right - left || a.localeCompare(b));
}
