/** What the alert engine remembers per tenant and agent, in a map bounded by least-recent use. */

/** The rate detector's state: the open bucket and an EWMA baseline of the closed ones. */
export interface RateState {
  /** Index of the open bucket (`floor(at / bucketMs)`); -1 before the first record. */
  bucket: number;
  count: number;
  mean: number;
  variance: number;
  /** Closed buckets folded into the baseline. */
  baselineBuckets: number;
  /** The bucket already alerted on, so one bucket alerts once. */
  alertedBucket: number;
}

/** The hour-of-week detector's state. */
export interface HoursState {
  /** Per hour of the week (UTC day × 24 + hour): how many distinct hours the agent was active in it. */
  histogram: Uint32Array;
  /** Distinct active hours seen. */
  activeHours: number;
  /** The open hour (`floor(at / 1 h)`); -1 before the first record. */
  hour: number;
  /** Records in the open hour. */
  count: number;
  /** How often the open hour's slot was active before it. */
  priorInSlot: number;
  alertedHour: number;
}

export interface DenialMark {
  at: number;
  id: string;
  seq: number;
  toolName: string;
}

export interface AgentState {
  tenantId: string;
  agentId: string;
  /** The first record seen of this agent (warm-up and history are measured from it). */
  firstSeenAt: number;
  rate: RateState;
  tools: Set<string>;
  hours: HoursState;
  /** The latest denials above the agent's level, oldest first, at most `deniedAttempts`. */
  denials: DenialMark[];
}

export const HOURS_PER_WEEK = 168;

export function newAgentState(tenantId: string, agentId: string, at: number): AgentState {
  return {
    tenantId,
    agentId,
    firstSeenAt: at,
    rate: { bucket: -1, count: 0, mean: 0, variance: 0, baselineBuckets: 0, alertedBucket: -1 },
    tools: new Set(),
    hours: {
      histogram: new Uint32Array(HOURS_PER_WEEK),
      activeHours: 0,
      hour: -1,
      count: 0,
      priorInSlot: 0,
      alertedHour: -1,
    },
    denials: [],
  };
}

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
