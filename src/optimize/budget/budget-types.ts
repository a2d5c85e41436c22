/** The budget service's public shapes: scopes, reservations, status, config and options. */
import type { EventBus } from '../../events/index.js';

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

/** What a run asks to reserve. */
export interface ReservationRequest {
  interactionId: string;
  amountUsd: number;
  /** The conversation the run continues: its measured size sizes the next turn's reservation. */
  conversationId?: string | undefined;
  /** The part of `amountUsd` that is the run's known input (see `beyondInput`). */
  inputUsd?: number | undefined;
}

export interface BudgetStatus {
  day: string;
  timeZone: string;
  /** null: no daily budget configured (spend is still tracked). */
  dailyUsd: number | null;
  spentUsd: number;
  /** Held by runs in progress (and by a killed process's runs until its lease runs out). */
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
   * default 10 minutes. Longer than the longest run: a live run's reservation must not expire. Reservations
   * of a holder whose lease ran out are freed sooner (see `lease`).
   */
  reservationTtl?: string | number;
  /**
   * How long this instance's lease lasts without renewal (a duration or ms); default 30 s. It is renewed
   * every third of that while reservations are open; once a process dies, its reservations are freed by
   * the next reservation that would not fit after the lease ran out. Longer than any pause of the event
   * loop and any clock skew between instances.
   */
  lease?: string | number;
  /** This instance's holder id; default a random UUID. */
  holderId?: string;
}
