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

/**
 * A kind of row that the writes of one shared transaction hand over instead of writing each on its own
 * (`rows.add`): before the transaction commits, `flush` writes all of them, e.g. as one multi-row insert,
 * or as one upsert per key after adding up the rows of the same key. On PostgreSQL each statement is a
 * round trip, so three per message became three per commit.
 */
export interface RowKind<Row> {
  /** Writes `rows` (at least one, in the order they were added) with `db`, the shared transaction. */
  flush(db: Kysely<Database>, rows: readonly Row[]): Promise<void>;
}

/** The rows one transaction collects (see RowKind). */
export interface BatchRows {
  add<Row>(kind: RowKind<Row>, row: Row): void;
}

type Work<Result> = (db: Kysely<Database>, rows: BatchRows) => Promise<Result>;
type Transact = <Result>(work: (db: Kysely<Database>) => Promise<Result>) => Promise<Result>;

/** The rows of one transaction, by kind in the order each kind was first added; written before it commits. */
class CollectedRows implements BatchRows {
  private readonly byKind = new Map<RowKind<never>, unknown[]>();

  add<Row>(kind: RowKind<Row>, row: Row): void {
    const rows = this.byKind.get(kind as RowKind<never>);
    if (rows) rows.push(row);
    else this.byKind.set(kind as RowKind<never>, [row]);
  }

  async flush(db: Kysely<Database>): Promise<void> {
    for (const [kind, rows] of this.byKind) await (kind as RowKind<unknown>).flush(db, rows);
  }
}

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

  /**
   * Runs `work` (which must use only the `db` it is given) in a shared transaction; resolves after commit.
   * The rows it adds to `rows` are written in the same transaction, after every write's `work`.
   */
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
        const rows = new CollectedRows();
        const out: unknown[] = [];
        for (const item of batch) out.push(await item.work(db, rows));
        await rows.flush(db);
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
      item.resolve(
        await this.transact(async (db) => {
          const rows = new CollectedRows();
          const result = await item.work(db, rows);
          await rows.flush(db);
          return result;
        }),
      );
    } catch (error) {
      item.reject(error);
    }
  }
}
