/**
 * The warm sessions of one runtime: a bounded pool of live CLI children, one per conversation, evicted
 * least recently used first when over its count or its memory budget, and closed once idle too long.
 */
import { residentBytesOf } from './run-directories.js';
import type { WarmSession } from './warm-session.js';

export interface WarmSessionLimits {
  /** Live sessions at most (each holds a CLI child of about 250 MB). */
  max: number;
  /** A session unused this long is closed. */
  idleMs: number;
  /** The pool's CLI children together stay under this resident memory (measured on Linux). */
  memoryBudgetMb: number;
}

export interface WarmSessionPoolStats {
  live: number;
  residentMb: number;
  warmTurns: number;
  coldStarts: number;
  evicted: number;
}

export class WarmSessionPool {
  /** By key, least recently used first (a Map keeps insertion order; a used session is re-inserted). */
  private readonly sessions = new Map<string, WarmSession>();
  private readonly idleTimers = new Map<WarmSession, NodeJS.Timeout>();
  private readonly counters = { warmTurns: 0, coldStarts: 0, evicted: 0 };
  private shutDown = false;
  /** Sessions being closed, by key: a new session of the conversation waits for its transcript's last writes. */
  private readonly closing = new Map<string, Promise<void>>();

  constructor(
    readonly limits: WarmSessionLimits,
    private readonly now: () => number = Date.now,
    private readonly measure: (folder: string) => number = residentBytesOf,
  ) {}

  /**
   * The idle session of this conversation when it can serve the turn: same key, same fixed options, and
   * the session id the turn resumes. A session of the conversation that cannot serve it is closed (the
   * turn starts a new one). `busy`: a turn of the conversation is under way; run this one cold.
   *
   * The CLI counts `maxBudgetUsd` from the start of its query, not of the turn: a session that has spent
   * half of the turn's ceiling cannot serve it, so no warm turn runs under less than half its own ceiling
   * (and none above it); the turn starts a new session, whose count starts at zero.
   */
  take(
    key: string,
    fixedOptions: string,
    resumeSessionId: string | undefined,
    maxBudgetUsd: number | undefined,
  ): WarmSession | 'busy' | undefined {
    const session = this.sessions.get(key);
    if (!session) return undefined;
    if (session.busy) {
      // The turn runs on a child of its own: this session will not have it, so it goes once its turn ends.
      session.stale = true;
      return 'busy';
    }
    if (
      session.closed ||
      session.fixedOptions !== fixedOptions ||
      resumeSessionId === undefined ||
      session.sessionId !== resumeSessionId ||
      (maxBudgetUsd !== undefined && session.spentSinceStart() > maxBudgetUsd / 2)
    ) {
      this.evict(session);
      return undefined;
    }
    this.clearIdleTimer(session);
    session.busy = true;
    this.counters.warmTurns++;
    return session;
  }

  /** A new session, busy with its first turn; closes the conversation's previous one and makes room. */
  add(session: WarmSession): void {
    const previous = this.sessions.get(session.key);
    if (previous && previous !== session) this.evict(previous);
    session.busy = true;
    this.sessions.set(session.key, session);
    this.counters.coldStarts++;
    this.shrink(session);
  }

  /**
   * A turn ended well: the session waits, most recently used, for the conversation's next turn. Settles
   * at once, or once the session is closed when it cannot stay (the pool is closing, or it was replaced).
   */
  release(session: WarmSession): Promise<void> {
    session.busy = false;
    if (this.shutDown || session.closed || session.stale || this.sessions.get(session.key) !== session) {
      return this.evict(session);
    }
    session.lastUsedAt = this.now();
    this.sessions.delete(session.key);
    this.sessions.set(session.key, session);
    session.residentBytes = this.measure(session.directory.root);
    const timer = setTimeout(() => this.evict(session), this.limits.idleMs);
    timer.unref();
    this.idleTimers.set(session, timer);
    this.shrink(session);
    return Promise.resolve();
  }

  /** Closes the session (a failed turn, a timeout, an abort, or eviction); the next turn resumes cold. */
  evict(session: WarmSession): Promise<void> {
    this.clearIdleTimer(session);
    if (this.sessions.get(session.key) === session) {
      this.sessions.delete(session.key);
      this.counters.evicted++;
    }
    const closed = session.close();
    this.closing.set(session.key, closed);
    void closed.then(() => {
      if (this.closing.get(session.key) === closed) this.closing.delete(session.key);
    });
    return closed;
  }

  /** Settles once the conversation's evicted session, if any, has closed. */
  async settled(key: string): Promise<void> {
    await this.closing.get(key);
  }

  stats(): WarmSessionPoolStats {
    let resident = 0;
    for (const session of this.sessions.values()) resident += session.residentBytes;
    return { live: this.sessions.size, residentMb: resident / 2 ** 20, ...this.counters };
  }

  /** Closes the idle sessions now; a busy one is closed when its turn ends (see `release`). */
  async closeAll(): Promise<void> {
    this.shutDown = true;
    const idle = [...this.sessions.values()].filter((session) => !session.busy);
    await Promise.all(idle.map((session) => this.evict(session)));
  }

  /** Evicts idle sessions, least recently used first, while over the count or the memory budget. */
  private shrink(keep: WarmSession): void {
    const budget = this.limits.memoryBudgetMb * 2 ** 20;
    const over = () => {
      let resident = 0;
      for (const session of this.sessions.values()) resident += session.residentBytes;
      return this.sessions.size > this.limits.max || resident > budget;
    };
    for (const session of [...this.sessions.values()]) {
      if (!over()) return;
      if (session !== keep && !session.busy) void this.evict(session);
    }
    // Still over with only busy sessions left: the one just released goes too.
    if (over() && !keep.busy) void this.evict(keep);
  }

  private clearIdleTimer(session: WarmSession): void {
    const timer = this.idleTimers.get(session);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(session);
  }
}
