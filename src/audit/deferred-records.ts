/**
 * One durable append per interaction: the records of an agent's events that nothing acts on before the
 * interaction's next record (the message received, the tier that answered, a successful completion)
 * wait and are appended in the same call as that next record, so a cache hit costs one commit instead of
 * four. The order of an agent's records in its chain stays the order its events were emitted in, and a
 * reply is still returned only after every record of its interaction is durable (the `reply-sent`
 * record that carries them is awaited). Records that wait longer than `maxDelayMs` (a slow model turn)
 * are appended on their own; a failed append puts the waiting records back, so the next append or
 * `flush` retries them, and none is lost.
 */
import type { StewardEvent } from '../events/index.js';
import type { AuditRecord, PreparedRecord } from './log/index.js';

/** Events whose record may wait for the interaction's next one (no action follows them before it). */
export function mayWait(event: StewardEvent): boolean {
  if (event.name === 'message-received' || event.name === 'tier-answered') return true;
  // A failed interaction throws right after its completion: nothing follows it, so it goes at once.
  return event.name === 'interaction-completed' && event.payload.interaction.outcome !== 'error';
}

export interface DeferredAppendsOptions {
  /** Appends records (in order, atomically) and resolves once they are durable. */
  append: (inputs: PreparedRecord[]) => Promise<AuditRecord[]>;
  /** Longest a record waits for company before it is appended on its own; default 100 ms. */
  maxDelayMs?: number;
  /** Called when a timed append fails (the records stay queued for the next append), with their scopes. */
  onError?: (error: unknown, scopes: Array<{ tenantId: string; agentId: string }>) => void;
}

export class DeferredAppends {
  private waiting: PreparedRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly maxDelayMs: number;

  constructor(private readonly options: DeferredAppendsOptions) {
    this.maxDelayMs = options.maxDelayMs ?? 100;
  }

  /** How many records wait. */
  get size(): number {
    return this.waiting.length;
  }

  /** Queues a record to go with the next append. */
  defer(input: PreparedRecord): void {
    this.waiting.push(input);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flushOnTimer(), this.maxDelayMs);
      this.timer.unref();
    }
  }

  /**
   * Appends the waiting records and then `inputs`, in one call; resolves with the records of `inputs`.
   * On failure the waiting records are queued again (ahead of any deferred since) and the call rejects.
   */
  async append(inputs: PreparedRecord[]): Promise<AuditRecord[]> {
    const taken = this.take();
    try {
      const records = await this.options.append([...taken, ...inputs]);
      return records.slice(taken.length);
    } catch (error) {
      this.putBack(taken);
      throw error;
    }
  }

  /** Appends whatever waits; rejects (keeping the records queued) when the append fails. */
  async flush(): Promise<void> {
    if (this.waiting.length === 0) return;
    await this.append([]);
  }

  private take(): PreparedRecord[] {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const taken = this.waiting;
    this.waiting = [];
    return taken;
  }

  private putBack(taken: PreparedRecord[]): void {
    if (taken.length === 0) return;
    this.waiting = [...taken, ...this.waiting];
    if (!this.timer) {
      this.timer = setTimeout(() => this.flushOnTimer(), this.maxDelayMs);
      this.timer.unref();
    }
  }

  private flushOnTimer(): void {
    this.timer = undefined;
    this.flush().catch((error: unknown) => {
      const scopes = new Map(this.waiting.map((input) => [`${input.tenantId}/${input.agentId}`, input]));
      this.options.onError?.(
        error,
        [...scopes.values()].map(({ tenantId, agentId }) => ({ tenantId, agentId })),
      );
    });
  }
}
