/**
 * The daily budget of one tenant's agent, held in the store so that every app instance sees the same
 * money: a run reserves its upper-bound cost before it starts (one conditional UPDATE decides, so two
 * instances can never both take the last dollar) and settles its actual cost when it ends. Each service
 * holds a lease while it has reservations open, so those of a killed process are freed within the lease.
 */
import { randomUUID } from 'node:crypto';
import { parseDuration } from '../../config/index.js';
import { StewardError } from '../../errors/index.js';
import { type StewardStore, timeOrderedId } from '../../store/index.js';
import { budgetDay, checkTimeZone } from './budget-day.js';
import { BudgetHistory } from './budget-history.js';
import { BudgetLeases, HolderLease } from './budget-leases.js';
import { BudgetLedger, type MeasuredRun, type Refusal } from './budget-ledger.js';
import type {
  BudgetScope,
  BudgetServiceConfig,
  BudgetServiceOptions,
  BudgetStatus,
  Reservation,
  ReservationRequest,
} from './budget-types.js';
import { checkAmount, formatUsd, fromMicroUsd, toMicroUsd } from './money.js';

/** The reply the fallback chain sends when the budget is spent and no cheaper tier could answer. */
export const defaultFallbackReply =
  "Sorry, I can't look into this right now. Please try again later, or tomorrow.";

const defaultReservationTtlMs = 10 * 60_000;
const defaultLeaseMs = 30_000;
const staleBatch = 200;
/** Ended leases are deleted a day after they ended. */
const endedLeaseRetentionMs = 24 * 60 * 60_000;

/**
 * What the services of one store and clock share: when `reserve` last swept for stale reservations (the
 * sweep covers every agent of the store) and, for services without a lease or holder id of their own, one
 * holder lease. A fleet's agents, built and evicted by the thousand, then neither sweep (5 queries) on
 * each first reservation nor create and drop a lease each. A service with a clock of its own (a test's)
 * shares nothing with the others.
 */
interface StoreShared {
  sweptAt: number;
  lease: HolderLease | undefined;
}

const sharedByStore = new WeakMap<StewardStore, WeakMap<() => number, StoreShared>>();

function sharedOf(store: StewardStore, now: () => number): StoreShared {
  let byClock = sharedByStore.get(store);
  if (!byClock) {
    byClock = new WeakMap();
    sharedByStore.set(store, byClock);
  }
  let shared = byClock.get(now);
  if (!shared) {
    shared = { sweptAt: Number.NEGATIVE_INFINITY, lease: undefined };
    byClock.set(now, shared);
  }
  return shared;
}

/**
 * @example
 * const budget = new BudgetService(store, { daily: 50, timeZone: 'Europe/Berlin' }, { bus });
 * const reservation = await budget.reserve(scope, { interactionId, amountUsd: 1 });
 * let result;
 * try { result = await runtime.run(request) } catch (error) { await budget.release(reservation); throw error }
 * await budget.settle(reservation, result.costUsd);
 */
export class BudgetService {
  readonly timeZone: string;
  readonly reservationTtlMs: number;
  readonly leaseMs: number;
  /** This instance's id in `budget_holders`; every reservation it makes names it. */
  readonly holderId: string;
  /** The daily budget, USD; undefined when none is configured. */
  readonly dailyUsd: number | undefined;
  private readonly ledger: BudgetLedger;
  private readonly leases: BudgetLeases;
  private readonly lease: HolderLease;
  private readonly history: BudgetHistory;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly dailyMicroUsd: number | null;
  private readonly alertThreshold: number;
  private readonly shared: StoreShared;
  /** Whether `lease` is the store's shared one (closed once per service), not this service's own. */
  private readonly sharesLease: boolean;
  private closedShare = false;

  constructor(
    store: StewardStore,
    config: BudgetServiceConfig = {},
    private readonly options: BudgetServiceOptions = {},
  ) {
    this.ledger = new BudgetLedger(store);
    this.leases = new BudgetLeases(store);
    this.history = new BudgetHistory(store);
    this.now = options.now ?? Date.now;
    this.shared = sharedOf(store, this.now);
    this.newId = options.newId ?? timeOrderedId;
    this.timeZone = config.timeZone ?? 'UTC';
    checkTimeZone(this.timeZone);
    if (config.daily !== undefined) checkAmount('optimization.budget.daily', config.daily);
    this.dailyMicroUsd = config.daily === undefined ? null : Math.round(config.daily * 1e6);
    this.dailyUsd = config.daily;
    this.alertThreshold = config.alertThreshold ?? 0.8;
    this.reservationTtlMs = resolveDuration(
      'reservationTtl',
      options.reservationTtl,
      defaultReservationTtlMs,
    );
    this.leaseMs = resolveDuration('lease', options.lease, defaultLeaseMs);
    this.sharesLease = options.holderId === undefined && options.lease === undefined;
    if (!this.sharesLease) {
      this.lease = new HolderLease(this.leases, options.holderId ?? randomUUID(), this.leaseMs, this.now);
    } else {
      this.shared.lease ??= new HolderLease(this.leases, randomUUID(), this.leaseMs, this.now);
      this.lease = this.shared.lease;
    }
    this.holderId = this.lease.holderId;
    this.lease.acquire();
  }

  /** The budget day `at` falls on. */
  dayOf(at: number): string {
    return budgetDay(at, this.timeZone);
  }

  /**
   * Sets `amountUsd` aside for a run, atomically in the store. Throws StewardError 'budget-exceeded' when
   * the day's budget cannot cover it (details: daily, spent, reserved, requested), and also, with
   * details.reason 'store-unavailable', when the store cannot confirm it: a call never goes through unchecked.
   */
  async reserve(scope: BudgetScope, request: ReservationRequest): Promise<Reservation> {
    checkAmount('amountUsd', request.amountUsd);
    if (request.inputUsd !== undefined) checkAmount('inputUsd', request.inputUsd);
    const at = this.now();
    const day = this.dayOf(at);
    const amountMicroUsd = toMicroUsd(request.amountUsd);
    const id = this.newId();
    const leaseExpiresAt = this.lease.renewalAt(at);
    const attempt = () =>
      this.ledger.tryReserve({
        ...scope,
        day,
        id,
        interactionId: request.interactionId,
        amountMicroUsd,
        dailyMicroUsd: this.dailyMicroUsd,
        at,
        holderId: this.holderId,
        conversationId: request.conversationId,
        inputMicroUsd: request.inputUsd === undefined ? undefined : toMicroUsd(request.inputUsd),
        leaseExpiresAt,
      });
    let refusal: Refusal | undefined;
    let firstRefusalToday = false;
    try {
      if (at - this.shared.sweptAt >= Math.min(60_000, this.reservationTtlMs / 10)) {
        this.shared.sweptAt = at;
        await this.releaseStale(at);
      }
      refusal = await attempt();
      // Before refusing, give back what killed processes still hold on this day, and try once more.
      if (refusal && (await this.releaseOrphaned(at, { ...scope, day })) > 0) refusal = await attempt();
      if (refusal) firstRefusalToday = await this.ledger.claimExhausted({ ...scope, day });
    } catch (error) {
      throw new StewardError(
        'budget-exceeded',
        `the budget store could not confirm a reservation of ${formatUsd(request.amountUsd)} for ` +
          `${scope.tenantId}/${scope.agentId} (${describe(error)}); the model is not called while the ` +
          'budget cannot be checked (fail closed). Check the database connection.',
        {
          cause: error,
          details: {
            reason: 'store-unavailable',
            requested: request.amountUsd,
            day,
            timeZone: this.timeZone,
          },
        },
      );
    }
    if (refusal) throw await this.refuse(scope, request, { day, at, refusal, firstRefusalToday });
    this.lease.granted(id, leaseExpiresAt);
    return {
      id,
      tenantId: scope.tenantId,
      agentId: scope.agentId,
      day,
      interactionId: request.interactionId,
      amountUsd: fromMicroUsd(amountMicroUsd),
      createdAt: at,
    };
  }

  /**
   * Replaces the reservation by the run's actual cost (`total_cost_usd`), atomically. Settling twice does
   * nothing; settling a reservation that expired meanwhile still counts its cost. Resolves with whether
   * this call settled it. `measured`: the run's tokens (its calls' prompt tokens summed, and its output),
   * kept to size later reservations; omit it when the cost was not measured (a failed run settled in full).
   */
  async settle(reservation: Reservation, actualUsd: number, measured?: MeasuredRun): Promise<boolean> {
    checkAmount('actualUsd', actualUsd);
    const at = this.now();
    const daily = this.dailyMicroUsd;
    const ppm = Math.round(this.alertThreshold * 1e6);
    const claim = daily === null ? null : { ppm, thresholdMicroUsd: Math.ceil((daily * ppm) / 1e6) };
    const outcome = await this.guard('settle', () =>
      this.ledger.settle(reservation.id, toMicroUsd(actualUsd), at, claim, measured),
    );
    this.lease.closed(reservation.id);
    // Announced once committed: a listener (audit) may write to the store, and SQLite has one connection.
    if (outcome.day && outcome.crossedAtMicroUsd !== undefined) {
      await this.options.bus?.emit('budget-threshold-crossed', {
        tenantId: outcome.day.tenantId,
        agentId: outcome.day.agentId,
        at,
        day: outcome.day.day,
        timeZone: this.timeZone,
        threshold: this.alertThreshold,
        dailyUsd: fromMicroUsd(daily ?? 0),
        spentUsd: fromMicroUsd(outcome.crossedAtMicroUsd),
      });
    }
    return outcome.settled;
  }

  /** Frees a reservation whose run never started (or failed before it cost anything). Idempotent. */
  async release(reservation: Reservation): Promise<boolean> {
    const at = this.now();
    const released = await this.guard('release', () => this.ledger.free(reservation.id, 'released', at));
    this.lease.closed(reservation.id);
    return released;
  }

  /**
   * Expires reservations open for longer than the TTL (their process died mid-run) and frees their money.
   * `reserve` calls it now and then; until then a crashed run's reservation keeps counting against the
   * budget, and its real spend, unknown to us, is never counted. Resolves with how many it expired.
   */
  async releaseStale(now: number = this.now()): Promise<number> {
    const cutoff = now - this.reservationTtlMs;
    const expired =
      (await this.expireEach(() => this.ledger.heldBefore(cutoff, staleBatch), now)) +
      (await this.releaseOrphaned(now));
    await this.guard('forget ended leases', () => this.leases.forgetEnded(now - endedLeaseRetentionMs));
    return expired;
  }

  /**
   * For the agent's last `limit` measured runs, newest first: what each cost beyond the input part of its
   * reservation, USD (negative when the input bound alone covered it). Optimize sizes reservations from it.
   */
  beyondInputUsd(scope: BudgetScope, limit: number): Promise<number[]> {
    return this.guard('read recent runs', async () =>
      (await this.history.beyondInput(scope, limit)).map(fromMicroUsd),
    );
  }

  /** The tokens the conversation's last measured run sent and wrote, when one was recorded. */
  lastTurn(
    scope: BudgetScope,
    conversationId: string,
  ): Promise<{ promptTokens: number; outputTokens: number } | undefined> {
    return this.guard('read the conversation', () => this.history.lastTurn(scope, conversationId));
  }

  /**
   * Stops renewing the lease (a shared one: once its last service closed). With nothing open the lease is
   * dropped at once; reservations still open (runs that outlive the service) keep counting until they
   * settle or the lease runs out.
   */
  async close(): Promise<void> {
    if (this.sharesLease) {
      if (this.closedShare) return;
      this.closedShare = true;
    }
    await this.guard('drop the lease', () => this.lease.close());
  }

  /** Expires the reservations of holders whose lease ended (on one day, or anywhere); resolves how many. */
  private releaseOrphaned(now: number, key?: BudgetScope & { day: string }): Promise<number> {
    return this.expireEach(
      () =>
        this.leases.orphaned({
          ...(key ? { key } : {}),
          excludeHolderId: this.holderId,
          at: now,
          limit: staleBatch,
        }),
      now,
    );
  }

  private async expireEach(find: () => Promise<string[]>, now: number): Promise<number> {
    let expired = 0;
    for (;;) {
      const stale = await this.guard('find stale reservations', find);
      // One short transaction each: never two day rows locked at once, so instances sweeping at the same
      // time cannot deadlock, and the status condition lets exactly one of them expire each reservation.
      for (const id of stale) {
        if (await this.guard('release stale reservations', () => this.ledger.free(id, 'expired', now))) {
          expired++;
        }
      }
      if (stale.length < staleBatch) return expired;
    }
  }

  /** Today's budget of the agent. */
  async status(scope: BudgetScope): Promise<BudgetStatus> {
    const day = this.dayOf(this.now());
    const row = await this.guard('read the budget', () => this.ledger.readDay({ ...scope, day }));
    const spent = Number(row?.spent_micro_usd ?? 0);
    const reserved = Number(row?.reserved_micro_usd ?? 0);
    const daily = this.dailyMicroUsd;
    const alerted = row?.threshold_alerted_ppm;
    return {
      day,
      timeZone: this.timeZone,
      dailyUsd: daily === null ? null : fromMicroUsd(daily),
      spentUsd: fromMicroUsd(spent),
      reservedUsd: fromMicroUsd(reserved),
      remainingUsd: daily === null ? null : fromMicroUsd(Math.max(0, daily - spent - reserved)),
      alertsSent: {
        threshold: alerted === null || alerted === undefined ? null : Number(alerted) / 1e6,
        exhausted: Number(row?.exhausted_alerted ?? 0) === 1,
      },
    };
  }

  /** Builds the refusal, announcing the day's first one (its transaction has committed). */
  private async refuse(
    scope: BudgetScope,
    request: ReservationRequest,
    {
      day,
      at,
      refusal,
      firstRefusalToday,
    }: { day: string; at: number; refusal: Refusal; firstRefusalToday: boolean },
  ): Promise<StewardError> {
    const dailyUsd = fromMicroUsd(this.dailyMicroUsd ?? 0);
    const spentUsd = fromMicroUsd(refusal.spentMicroUsd);
    const reservedUsd = fromMicroUsd(refusal.reservedMicroUsd);
    const error = new StewardError(
      'budget-exceeded',
      `the daily budget of ${formatUsd(dailyUsd)} for ${scope.tenantId}/${scope.agentId} on ${day} ` +
        `(${this.timeZone}) cannot cover ${formatUsd(request.amountUsd)} more: ${formatUsd(spentUsd)} is spent ` +
        `and ${formatUsd(reservedUsd)} reserved by runs in progress. Raise optimization.budget.daily, or ` +
        'wait for the next day.',
      {
        details: {
          reason: 'daily-budget',
          daily: dailyUsd,
          spent: spentUsd,
          reserved: reservedUsd,
          requested: request.amountUsd,
          day,
          timeZone: this.timeZone,
        },
      },
    );
    if (firstRefusalToday) {
      try {
        await this.options.bus?.emit('budget-exhausted', {
          tenantId: scope.tenantId,
          agentId: scope.agentId,
          at,
          day,
          timeZone: this.timeZone,
          interactionId: request.interactionId,
          dailyUsd,
          spentUsd,
          reservedUsd,
          requestedUsd: request.amountUsd,
        });
      } catch (listenerError) {
        // The refusal is what the caller must see; a failing listener is reported with it.
        error.details.listenerError = describe(listenerError);
      }
    }
    return error;
  }

  /** Runs a store operation, reporting a failure as 'store-unavailable'. */
  private async guard<Result>(what: string, work: () => Promise<Result>): Promise<Result> {
    try {
      return await work();
    } catch (error) {
      if (StewardError.isInstance(error)) throw error;
      throw new StewardError('store-unavailable', `budget: could not ${what}: ${describe(error)}`, {
        cause: error,
      });
    }
  }
}

function resolveDuration(name: string, value: string | number | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const ms = typeof value === 'number' ? value : parseDuration(value);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw new StewardError(
      'invalid-config',
      `${name} must be a duration such as '10m' or a number of ms > 0, received ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
