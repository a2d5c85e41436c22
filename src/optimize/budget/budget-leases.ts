/**
 * Leases of BudgetService instances: a reservation names its holder, and a holder renews its lease while it
 * has reservations open. A reservation whose holder's lease ran out belongs to a process that died mid-run:
 * its money can be given back without waiting for the stale TTL.
 */
import type { Kysely } from 'kysely';
import type { StewardStore } from '../../store/index.js';
import { type BudgetDb, type DayKey, upsertLease } from './budget-ledger.js';
import type { BudgetTables } from './schema.js';

export class BudgetLeases {
  private readonly db: BudgetDb;

  constructor(private readonly store: StewardStore) {
    this.db = store.db.withTables<BudgetTables>() as unknown as BudgetDb;
  }

  /** Extends (or creates) the holder's lease to `expiresAt`. */
  renew(holderId: string, expiresAt: number, at: number): Promise<unknown> {
    return this.store.writeTransaction((connection) =>
      upsertLease(connection.withTables<BudgetTables>() as unknown as BudgetDb, holderId, expiresAt, at),
    );
  }

  /** Ends the holder's lease (it closed with nothing open). */
  async drop(holderId: string): Promise<void> {
    await this.store.writeTransaction((connection) =>
      (connection.withTables<BudgetTables>() as unknown as Kysely<BudgetTables>)
        .deleteFrom('budget_holders')
        .where('id', '=', holderId)
        .execute(),
    );
  }

  /**
   * Ids of reservations still held by a holder whose lease ended before `at` (on one day of one agent, or
   * anywhere), oldest first; never the caller's own.
   */
  async orphaned(options: {
    key?: DayKey;
    excludeHolderId: string;
    at: number;
    limit: number;
  }): Promise<string[]> {
    const { key } = options;
    const rows = await this.db
      .selectFrom('budget_reservations')
      .select('id')
      .where('status', '=', 'reserved')
      .$if(key !== undefined, (query) =>
        query
          .where('tenant_id', '=', key!.tenantId)
          .where('agent_id', '=', key!.agentId)
          .where('day', '=', key!.day),
      )
      .where('holder_id', '<>', options.excludeHolderId)
      .where('holder_id', 'in', (eb) =>
        eb.selectFrom('budget_holders').select('id').where('expires_at', '<', options.at),
      )
      .orderBy('created_at')
      .limit(options.limit)
      .execute();
    return rows.map((row) => row.id);
  }

  /** Deletes leases that ended before `before` and hold nothing any more. */
  async forgetEnded(before: number): Promise<void> {
    await this.store.writeTransaction((connection) =>
      (connection.withTables<BudgetTables>() as unknown as Kysely<BudgetTables>)
        .deleteFrom('budget_holders')
        .where('expires_at', '<', before)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('budget_reservations')
                .select('id')
                .whereRef('budget_reservations.holder_id', '=', 'budget_holders.id')
                .where('budget_reservations.status', '=', 'reserved'),
            ),
          ),
        )
        .execute(),
    );
  }
}

/**
 * The lease of one BudgetService, or of the services of one store sharing it: renewed with a reservation
 * when less than half of it is left, and every third of it by a heartbeat while reservations are open
 * (none runs while idle). Each service `acquire`s it and `close`s it once; the last close ends it.
 */
export class HolderLease {
  private readonly open = new Set<string>();
  private users = 0;
  private expiresAt = Number.NEGATIVE_INFINITY;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly leases: BudgetLeases,
    readonly holderId: string,
    readonly leaseMs: number,
    private readonly now: () => number,
  ) {}

  /** One more service uses this lease. */
  acquire(): void {
    this.users++;
  }

  /** When a reservation made at `at` should renew the lease in its transaction: the new end, else undefined. */
  renewalAt(at: number): number | undefined {
    return this.expiresAt - at < this.leaseMs / 2 ? at + this.leaseMs : undefined;
  }

  /** A reservation was granted (having renewed the lease to `renewedTo`, when set). */
  granted(id: string, renewedTo: number | undefined): void {
    if (renewedTo !== undefined) this.expiresAt = Math.max(this.expiresAt, renewedTo);
    this.open.add(id);
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      const at = this.now();
      const expiresAt = at + this.leaseMs;
      // A failed renewal is retried on the next beat; the lease has two more beats of slack.
      this.leases.renew(this.holderId, expiresAt, at).then(
        () => {
          this.expiresAt = Math.max(this.expiresAt, expiresAt);
        },
        () => {},
      );
    }, this.leaseMs / 3);
    this.heartbeat.unref();
  }

  /** A reservation was settled or released. */
  closed(id: string): void {
    this.open.delete(id);
    if (this.open.size === 0) this.stopHeartbeat();
  }

  /**
   * One service is done with the lease; after the last: stops the heartbeat and drops the lease when
   * nothing is open (open runs keep it until it runs out).
   */
  async close(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0) return;
    this.stopHeartbeat();
    if (this.open.size > 0 || this.expiresAt === Number.NEGATIVE_INFINITY) return;
    this.expiresAt = Number.NEGATIVE_INFINITY;
    await this.leases.drop(this.holderId);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
