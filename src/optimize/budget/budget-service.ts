/**
 * The daily budget of one tenant's agent, held in the store so that every app instance sees the same
 * money: a run reserves its upper-bound cost before it starts (one conditional UPDATE decides, so two
 * instances can never both take the last dollar) and settles its actual cost when it ends.
 */
import { randomUUID } from 'node:crypto';
import { parseDuration } from '../../config/index.js';
import { StewardError } from '../../errors/index.js';
import type { EventBus } from '../../events/index.js';
import type { StewardStore } from '../../store/index.js';
import { budgetDay, checkTimeZone } from './budget-day.js';
import { BudgetLedger, type Refusal } from './budget-ledger.js';
import { checkAmount, formatUsd, fromMicroUsd, toMicroUsd } from './money.js';

export interface BudgetScope {
  tenantId: string;
  agentId: string;
}

/** Money set aside in the store for one run, until `settle` or `release`. */
export interface Reservation {
  id: string;
  tenantId: string;
  agentId: string;
  /** The budget day it counts toward (the day it was made), YYYY-MM-DD. */
  day: string;
  interactionId: string;
  amountUsd: number;
  createdAt: number;
}

export interface BudgetStatus {
  day: string;
  timeZone: string;
  /** null: no daily budget configured (spend is still tracked). */
  dailyUsd: number | null;
  spentUsd: number;
  /** Held by runs in progress (and by crashed runs until their reservation expires). */
  reservedUsd: number;
  remainingUsd: number | null;
  alertsSent: {
    /** The highest threshold announced today, as a fraction of the daily budget. */
    threshold: number | null;
    exhausted: boolean;
  };
}

/** The parts of `optimization.budget` the service reads. */
export interface BudgetServiceConfig {
  /** USD per tenant and agent per day; omitted: reservations always succeed and are only recorded. */
  daily?: number | undefined;
  /** Fraction of `daily` at which `budget-threshold-crossed` fires; default 0.8. */
  alertThreshold?: number | undefined;
  /** IANA time zone of the budget day; default 'UTC'. */
  timeZone?: string | undefined;
}

export interface BudgetServiceOptions {
  now?: () => number;
  newId?: () => string;
  bus?: EventBus;
  /**
   * How long a reservation may stay open before `releaseStale` frees it (a duration such as '10m', or ms);
   * default 10 minutes. Longer than the longest run: a live run's reservation must not expire.
   */
  reservationTtl?: string | number;
}

/** The reply the fallback chain sends when the budget is spent and no cheaper tier could answer. */
export const defaultFallbackReply =
  "Sorry, I can't look into this right now. Please try again later, or tomorrow.";

const defaultReservationTtlMs = 10 * 60_000;
const staleBatch = 200;

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
  private readonly ledger: BudgetLedger;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly dailyMicroUsd: number | null;
  private readonly alertThreshold: number;
  private lastStaleSweepAt = Number.NEGATIVE_INFINITY;

  constructor(
    store: StewardStore,
    config: BudgetServiceConfig = {},
    private readonly options: BudgetServiceOptions = {},
  ) {
    this.ledger = new BudgetLedger(store);
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.timeZone = config.timeZone ?? 'UTC';
    checkTimeZone(this.timeZone);
    if (config.daily !== undefined) checkAmount('optimization.budget.daily', config.daily);
    this.dailyMicroUsd = config.daily === undefined ? null : Math.round(config.daily * 1e6);
    this.alertThreshold = config.alertThreshold ?? 0.8;
    this.reservationTtlMs = resolveTtl(options.reservationTtl);
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
  async reserve(
    scope: BudgetScope,
    request: { interactionId: string; amountUsd: number },
  ): Promise<Reservation> {
    checkAmount('amountUsd', request.amountUsd);
    const at = this.now();
    const day = this.dayOf(at);
    const amountMicroUsd = toMicroUsd(request.amountUsd);
    const id = this.newId();
    let refusal: Refusal | undefined;
    try {
      if (at - this.lastStaleSweepAt >= Math.min(60_000, this.reservationTtlMs / 10)) {
        this.lastStaleSweepAt = at;
        await this.releaseStale(at);
      }
      refusal = await this.ledger.tryReserve({
        ...scope,
        day,
        id,
        interactionId: request.interactionId,
        amountMicroUsd,
        dailyMicroUsd: this.dailyMicroUsd,
        at,
      });
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
    if (refusal) throw await this.refuse(scope, request, { day, at, refusal });
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
   * this call settled it.
   */
  async settle(reservation: Reservation, actualUsd: number): Promise<boolean> {
    checkAmount('actualUsd', actualUsd);
    const at = this.now();
    const daily = this.dailyMicroUsd;
    const ppm = Math.round(this.alertThreshold * 1e6);
    const claim = daily === null ? null : { ppm, thresholdMicroUsd: Math.ceil((daily * ppm) / 1e6) };
    const outcome = await this.guard('settle', () =>
      this.ledger.settle(reservation.id, toMicroUsd(actualUsd), at, claim),
    );
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
  release(reservation: Reservation): Promise<boolean> {
    const at = this.now();
    return this.guard('release', () => this.ledger.free(reservation.id, 'released', at));
  }

  /**
   * Expires reservations open for longer than the TTL (their process died mid-run) and frees their money.
   * `reserve` calls it now and then; until then a crashed run's reservation keeps counting against the
   * budget, and its real spend, unknown to us, is never counted. Resolves with how many it expired.
   */
  async releaseStale(now: number = this.now()): Promise<number> {
    const cutoff = now - this.reservationTtlMs;
    let expired = 0;
    for (;;) {
      const stale = await this.guard('find stale reservations', () =>
        this.ledger.heldBefore(cutoff, staleBatch),
      );
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
    request: { interactionId: string; amountUsd: number },
    { day, at, refusal }: { day: string; at: number; refusal: Refusal },
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
    if (refusal.firstToday) {
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

function resolveTtl(ttl: string | number | undefined): number {
  if (ttl === undefined) return defaultReservationTtlMs;
  const ms = typeof ttl === 'number' ? ttl : parseDuration(ttl);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw new StewardError(
      'invalid-config',
      `reservationTtl must be a duration such as '10m' or a number of ms > 0, received ${JSON.stringify(ttl)}`,
    );
  }
  return ms;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
