/**
 * One durable row per interaction: the records of an agent's events that nothing acts on before the
 * interaction's next record (the message received, the tier that answered, a successful completion)
 * wait for it. The record that closes the interaction (the reply sent, or a failed completion) carries
 * them in its own row (`log/carried-events.ts`), so a cache hit appends one chained row instead of four;
 * any other record of the interaction (a tool call) is appended with its waiting records before it, each
 * in a row of its own. The order of an interaction's events is the order they were emitted in, and a
 * reply is still returned only after every record of its interaction is durable (the closing record is
 * awaited). Records of other interactions keep waiting for their own. A record that waited `maxDelayMs`
 * (a slow model turn) is appended on its own; a failed append puts the waiting records back, so the
 * next append of their interaction, the timer or `flush` retries them, and none is lost.
 */
import type { StewardEvent } from '../events/index.js';
import { type AuditRecord, closingEventTypes, type PreparedRecord } from './log/index.js';

/** Events whose record may wait for the interaction's next one (no action follows them before it). */
export function mayWait(event: StewardEvent): boolean {
  if (event.name === 'message-received' || event.name === 'tier-answered') return true;
  // A failed interaction throws right after its completion: nothing follows it, so it goes at once.
  return event.name === 'interaction-completed' && event.payload.interaction.outcome !== 'error';
}

export interface DeferredAppendsOptions {
  /** Appends records (in order, atomically) and resolves once they are durable. */
  append: (inputs: PreparedRecord[]) => Promise<AuditRecord[]>;
  /**
   * One row holding waiting records and the record that closes their interaction, or undefined when they
   * do not fit one (then each gets its own row). Without it every record gets its own row.
   */
  carry?: (carried: readonly PreparedRecord[], closing: PreparedRecord) => PreparedRecord | undefined;
  /** Longest a record waits for its interaction's next record before it is appended on its own; default 100 ms. */
  maxDelayMs?: number;
  /** Called when a timed append fails (the records stay queued for the next append), with their scopes. */
  onError?: (error: unknown, scopes: Array<{ tenantId: string; agentId: string }>) => void;
  /** The clock of the waiting deadlines; default Date.now. */
  now?: () => number;
}

interface Waiting {
  record: PreparedRecord;
  /** When it was deferred, by `now`. */
  since: number;
}

export class DeferredAppends {
  /** In the order deferred (so the oldest first). */
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly maxDelayMs: number;
  private readonly now: () => number;

  constructor(private readonly options: DeferredAppendsOptions) {
    this.maxDelayMs = options.maxDelayMs ?? 100;
    this.now = options.now ?? Date.now;
  }

  /** How many records wait. */
  get size(): number {
    return this.waiting.length;
  }

  /** Queues a record to go with its interaction's next append. */
  defer(input: PreparedRecord): void {
    this.waiting.push({ record: input, since: this.now() });
    this.arm();
  }

  /**
   * Appends `inputs` in one call, each after the waiting records of its interaction (carried in its row
   * when it closes the interaction); resolves with the records of `inputs`. On failure the waiting records
   * are queued again (ahead of any deferred since) and the call rejects.
   */
  async append(inputs: PreparedRecord[]): Promise<AuditRecord[]> {
    const taken: Waiting[] = [];
    const rows: PreparedRecord[] = [];
    const positions: number[] = [];
    for (const input of inputs) {
      const own = this.takeInteraction(input);
      taken.push(...own);
      rows.push(...this.rowsOf(own, input));
      positions.push(rows.length - 1);
    }
    try {
      const records = await this.options.append(rows);
      return positions.map((position) => records[position]!);
    } catch (error) {
      this.putBack(taken);
      throw error;
    }
  }

  /** Appends whatever waits, each record in its own row; rejects (keeping them queued) when that fails. */
  async flush(): Promise<void> {
    await this.appendWaiting(this.waiting.length);
  }

  /** The rows for `input` and the waiting records of its interaction: carried in its row when it closes it. */
  private rowsOf(own: Waiting[], input: PreparedRecord): PreparedRecord[] {
    const records = own.map((entry) => entry.record);
    const carry = this.options.carry;
    if (!carry || records.length === 0 || !closingEventTypes.has(input.eventType)) return [...records, input];
    const carried = carry(records, input);
    return carried ? [carried] : [...records, input];
  }

  /** Removes and returns the waiting records of `input`'s interaction (none when it names none). */
  private takeInteraction(input: PreparedRecord): Waiting[] {
    if (input.interactionId === null || this.waiting.length === 0) return [];
    const own: Waiting[] = [];
    const others: Waiting[] = [];
    for (const entry of this.waiting) {
      const record = entry.record;
      if (
        record.interactionId === input.interactionId &&
        record.tenantId === input.tenantId &&
        record.agentId === input.agentId
      )
        own.push(entry);
      else others.push(entry);
    }
    if (own.length > 0) this.waiting = others;
    return own;
  }

  /** Appends the `count` oldest waiting records, each in its own row. */
  private async appendWaiting(count: number): Promise<void> {
    if (count === 0) return;
    const taken = this.waiting.slice(0, count);
    this.waiting = this.waiting.slice(count);
    try {
      await this.options.append(taken.map((entry) => entry.record));
    } catch (error) {
      this.putBack(taken);
      throw error;
    } finally {
      this.arm();
    }
  }

  private putBack(taken: Waiting[]): void {
    if (taken.length === 0) return;
    // Merged by the time they were deferred, so the oldest stay first.
    this.waiting = [...taken, ...this.waiting].sort((a, b) => a.since - b.since);
    this.arm();
  }

  /** Sets the timer for the oldest waiting record's deadline (none when nothing waits). */
  private arm(): void {
    if (this.timer) return;
    const oldest = this.waiting[0];
    if (!oldest) return;
    const delay = Math.max(0, oldest.since + this.maxDelayMs - this.now());
    this.timer = setTimeout(() => this.flushOnTimer(), delay);
    this.timer.unref();
  }

  private flushOnTimer(): void {
    this.timer = undefined;
    const deadline = this.now() - this.maxDelayMs;
    let due = 0;
    while (due < this.waiting.length && this.waiting[due]!.since <= deadline) due++;
    if (due === 0) {
      this.arm();
      return;
    }
    const scopes = new Map(
      this.waiting.slice(0, due).map(({ record }) => [`${record.tenantId}/${record.agentId}`, record]),
    );
    this.appendWaiting(due).catch((error: unknown) => {
      this.options.onError?.(
        error,
        [...scopes.values()].map(({ tenantId, agentId }) => ({ tenantId, agentId })),
      );
    });
  }
}
