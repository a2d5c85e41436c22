/**
 * Lifts committed messages up the queue once their senders' context is scored: the acknowledgement waits only
 * for the words' score (see `ChannelCore.accept`). The messages committed in one turn of the event loop are
 * scored together and the ones the context lifts move up the queue in one statement (their priority only: the
 * worker that claims a message still marked pending scores its level and reasons in full), so a burst from one
 * sender, where every message past the second is lifted, costs one write and not one each. Each score is kept
 * here for this instance's worker (`take`), so the message it claims is not scored from a second read of the
 * context; a worker on another instance, or one that claims a message before it was scored, reads it itself.
 */
import { type ChannelMessage, type Urgency, urgencyPriority } from './message.js';
import type { InboundDigests, InboundQueue } from './store/inbound-queue.js';

export interface RaiseRequest {
  /** The message's queue row. */
  id: string;
  message: ChannelMessage;
  digests: InboundDigests;
}

export interface UrgencyRaiserOptions {
  queue: InboundQueue;
  /** The message scored from its words and its sender's context (read now). */
  score: (request: RaiseRequest) => Promise<ChannelMessage>;
  /**
   * Told when a context cannot be read or a level cannot be written (the message keeps its words' level); must
   * not throw.
   */
  onError: (error: unknown) => void;
  /** After each batch (the local worker is woken). */
  onBatch: () => void;
}

/** Most messages scored per transaction. */
const BATCH = 500;

/** Most scores kept for this instance's worker; past it the oldest go (their worker reads the context again). */
const KEPT = 10_000;

type Scored = Pick<ChannelMessage, 'urgency' | 'urgencyReasons'>;

/**
 * @example
 * const raiser = new UrgencyRaiser({ queue, score, onError: console.error, onBatch: wake });
 * raiser.add({ id, message, digests }); // after its commit
 * await raiser.settled();
 */
export class UrgencyRaiser {
  private readonly pending: RaiseRequest[] = [];
  /** Scores by tenant, agent and queue row, oldest first. */
  private readonly kept = new Map<string, Scored>();
  private running: Promise<void> | undefined;

  constructor(private readonly options: UrgencyRaiserOptions) {}

  add(request: RaiseRequest): void {
    this.pending.push(request);
    this.running ??= this.run();
  }

  /**
   * The score this instance gave a message after its commit (and forgets it), or undefined when it has none: not
   * scored yet, scored on another instance, or forgotten.
   */
  take(id: string, tenantId: string, agentId: string): Scored | undefined {
    const key = keyOf(id, tenantId, agentId);
    const scored = this.kept.get(key);
    this.kept.delete(key);
    return scored;
  }

  /** Resolves once every message added so far is scored (and lifted when its context says so). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    try {
      // The commits of this turn of the event loop resolve their callers first: their messages join the batch.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.pending.length > 0) {
        await this.raise(this.pending.splice(0, BATCH));
        this.options.onBatch();
      }
    } finally {
      this.running = undefined;
    }
  }

  private async raise(batch: readonly RaiseRequest[]): Promise<void> {
    const lifted: Array<{ id: string; tenantId: string; agentId: string; urgency: Urgency }> = [];
    for (const request of batch) {
      try {
        const scored = await this.options.score(request);
        this.keep(request, scored);
        if (urgencyPriority[scored.urgency] > urgencyPriority[request.message.urgency]) {
          const { tenantId, agentId } = request.message;
          lifted.push({ id: request.id, tenantId, agentId, urgency: scored.urgency });
        }
      } catch (error) {
        this.report(error);
      }
    }
    if (lifted.length > 0) await this.options.queue.lift(lifted).catch((error) => this.report(error));
  }

  private keep({ id, message }: RaiseRequest, { urgency, urgencyReasons }: ChannelMessage): void {
    this.kept.set(keyOf(id, message.tenantId, message.agentId), {
      urgency,
      ...(urgencyReasons ? { urgencyReasons } : {}),
    });
    if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value as string);
  }

  private report(error: unknown): void {
    this.options.onError(error);
  }
}

function keyOf(id: string, tenantId: string, agentId: string): string {
  return `${tenantId}\u0000${agentId}\u0000${id}`;
}
