/**
 * Spaces calls of one Web API method in one workspace (Slack's limits are per method per workspace;
 * tier 3, which chat.update is in, allows about 50 a minute: one call every 1.2 s). Per process: with
 * many instances, a 429 is still waited out by the client.
 */
export class MethodThrottle {
  private readonly nextAt = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes the next slot for `key` (`<team>:<method>`); resolves with how long (ms) to wait for it. */
  reserve(key: string): number {
    const now = this.now();
    const at = Math.max(now, this.nextAt.get(key) ?? 0);
    this.nextAt.set(key, at + this.intervalMs);
    if (this.nextAt.size > 10_000) {
      for (const [stale, next] of this.nextAt) if (next < now) this.nextAt.delete(stale);
    }
    return at - now;
  }

  /** How long (ms) until `key` has a free slot, without taking it. */
  delayOf(key: string): number {
    return Math.max(0, (this.nextAt.get(key) ?? 0) - this.now());
  }

  /** Waits for and takes the next slot. */
  async wait(key: string): Promise<void> {
    const delay = this.reserve(key);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
