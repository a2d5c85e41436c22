/**
 * Group commit for small writes: the writes that callers hand over while the writer is busy, or in the
 * same turn of the event loop, share one transaction, and each caller resolves once that transaction has
 * committed. Under load a hundred interactions cost a few commits instead of a few hundred (each commit
 * is a WAL append on SQLite and a round trip plus a flush on PostgreSQL); a lone write waits for no
 * timer. When a shared transaction fails, each write is tried again alone, so one caller's bad write
 * fails only that caller.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

type Work<Result> = (db: Kysely<Database>) => Promise<Result>;
type Transact = <Result>(work: Work<Result>) => Promise<Result>;

interface Pending {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupWriter {
  private queue: Pending[] = [];
  private draining = false;
  private scheduled = false;

  constructor(
    private readonly transact: Transact,
    private readonly maxBatch = 500,
  ) {}

  /** Runs `work` (which must use only the `db` it is given) in a shared transaction; resolves after commit. */
  run<Result>(work: Work<Result>): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.draining || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        if (batch.length === 1) {
          await this.runAlone(batch[0]!);
        } else {
          await this.runTogether(batch);
        }
      }
    } finally {
      this.draining = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private async runTogether(batch: Pending[]): Promise<void> {
    let results: unknown[];
    try {
      results = await this.transact(async (db) => {
        const out: unknown[] = [];
        for (const item of batch) out.push(await item.work(db));
        return out;
      });
    } catch {
      for (const item of batch) await this.runAlone(item);
      return;
    }
    for (const [index, item] of batch.entries()) item.resolve(results[index]);
  }

  private async runAlone(item: Pending): Promise<void> {
    try {
      item.resolve(await this.transact(item.work));
    } catch (error) {
      item.reject(error);
    }
  }
}
