/**
 * The budget's statements against the store. Every decision is a conditional UPDATE that the database
 * applies atomically (a row lock on PostgreSQL, the write lock of BEGIN IMMEDIATE on SQLite); the app
 * never reads a balance, computes a new one and writes it back.
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { StewardStore } from '../../store/index.js';
import type { BudgetDaysTable, BudgetTables } from './schema.js';

export type BudgetDb = Kysely<BudgetTables>;

export interface DayKey {
  tenantId: string;
  agentId: string;
  day: string;
}

export interface ReserveInput extends DayKey {
  id: string;
  interactionId: string;
  amountMicroUsd: number;
  /** null: no daily budget, the reservation is only recorded. */
  dailyMicroUsd: number | null;
  at: number;
  /** The BudgetService instance that holds the reservation. */
  holderId: string;
  conversationId?: string | undefined;
  /** The part of the amount that is the run's known input. */
  inputMicroUsd?: number | undefined;
  /** Set: renew the holder's lease to this instant in the same transaction. */
  leaseExpiresAt?: number | undefined;
}

/** Why a reservation was refused: the figures at the moment of the decision. */
export interface Refusal {
  spentMicroUsd: number;
  reservedMicroUsd: number;
}

/** What a settled run measured: the next reservations are sized from it. */
export interface MeasuredRun {
  promptTokens: number;
  outputTokens: number;
}

/** The threshold alert a settle may claim: `ppm` of the daily budget, i.e. `thresholdMicroUsd`. */
export interface ThresholdClaim {
  ppm: number;
  thresholdMicroUsd: number;
}

export interface SettleOutcome {
  settled: boolean;
  day?: DayKey;
  /** Set when this settle crossed the threshold first today. */
  crossedAtMicroUsd?: number;
}

interface ClosedReservation {
  tenant_id: string;
  agent_id: string;
  day: string;
  amount_micro_usd: number;
}

export class BudgetLedger {
  private readonly db: BudgetDb;

  constructor(private readonly store: StewardStore) {
    this.db = store.db.withTables<BudgetTables>() as unknown as BudgetDb;
  }

  /** Takes the amount if the day can cover it; resolves undefined when granted, or with the refusal. */
  tryReserve(input: ReserveInput): Promise<Refusal | undefined> {
    return this.transaction(async (trx) => {
      const key = dayWhere(input);
      const daily = input.dailyMicroUsd;
      const amount = input.amountMicroUsd;
      let row: Pick<BudgetDaysTable, 'spent_micro_usd' | 'reserved_micro_usd'> | undefined;
      let fits = true;
      for (let attempt = 0; attempt < 4 && fits; attempt++) {
        const taken = await trx
          .updateTable('budget_days')
          .set((eb) => ({
            reserved_micro_usd: eb('reserved_micro_usd', '+', amount),
            daily_micro_usd: daily,
            updated_at: input.at,
          }))
          .where(key)
          .$if(daily !== null, (query) =>
            query.where((eb) =>
              eb(eb(eb('spent_micro_usd', '+', eb.ref('reserved_micro_usd')), '+', amount), '<=', daily),
            ),
          )
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) === 1) {
          await trx
            .insertInto('budget_reservations')
            .values({
              id: input.id,
              tenant_id: input.tenantId,
              agent_id: input.agentId,
              day: input.day,
              interaction_id: input.interactionId,
              amount_micro_usd: amount,
              actual_micro_usd: null,
              status: 'reserved',
              created_at: input.at,
              settled_at: null,
              holder_id: input.holderId,
              conversation_id: input.conversationId ?? null,
              input_micro_usd: input.inputMicroUsd ?? null,
              prompt_tokens: null,
              output_tokens: null,
            })
            .execute();
          // In the same commit: a reservation never names a holder without a live lease.
          if (input.leaseExpiresAt !== undefined) {
            await upsertLease(trx, input.holderId, input.leaseExpiresAt, input.at);
          }
          return undefined;
        }
        // Not taken: the day has no row yet, or the amount does not fit. Lock the row to tell which and to
        // report the figures a refusal stands on. On PostgreSQL (read committed) a settle may have committed
        // between the UPDATE and this read and made room: then try again, which the lock makes final.
        row = await trx
          .selectFrom('budget_days')
          .select(['spent_micro_usd', 'reserved_micro_usd'])
          .where(key)
          .$if(this.store.engine === 'postgres', (query) => query.forUpdate())
          .executeTakeFirst();
        if (!row) {
          await trx
            .insertInto('budget_days')
            .values({
              tenant_id: input.tenantId,
              agent_id: input.agentId,
              day: input.day,
              daily_micro_usd: daily,
              spent_micro_usd: 0,
              reserved_micro_usd: 0,
              threshold_alerted_ppm: null,
              exhausted_alerted: 0,
              updated_at: input.at,
            })
            .onConflict((conflict) => conflict.columns(['tenant_id', 'agent_id', 'day']).doNothing())
            .execute();
          continue;
        }
        fits =
          daily === null || Number(row.spent_micro_usd) + Number(row.reserved_micro_usd) + amount <= daily;
      }
      // Unreachable while the database keeps its locks; fail closed rather than guess.
      if (!row || fits) throw new Error('the reservation could not be decided; giving up');
      return {
        spentMicroUsd: Number(row.spent_micro_usd),
        reservedMicroUsd: Number(row.reserved_micro_usd),
      };
    });
  }

  /** Marks the day's first refusal; resolves true for exactly one caller across instances (it announces). */
  async claimExhausted(key: DayKey): Promise<boolean> {
    const first = await this.transaction((trx) =>
      trx
        .updateTable('budget_days')
        .set({ exhausted_alerted: 1 })
        .where(dayWhere(key))
        .where('exhausted_alerted', '=', 0)
        .executeTakeFirst(),
    );
    return Number(first.numUpdatedRows) === 1;
  }

  /**
   * Replaces a held (or expired) reservation by the actual cost, then claims the threshold alert if this
   * settle crossed it. A reservation already settled or released is left alone.
   */
  settle(
    id: string,
    actualMicroUsd: number,
    at: number,
    claim: ThresholdClaim | null,
    measured?: MeasuredRun,
  ): Promise<SettleOutcome> {
    return this.transaction(async (trx) => {
      const settled = { actualMicroUsd, measured };
      const held = await closeReservation(trx, id, 'reserved', 'settled', at, settled);
      const closed = held ?? (await closeReservation(trx, id, 'expired', 'settled', at, settled));
      if (!closed) return { settled: false };
      const day = { tenantId: closed.tenant_id, agentId: closed.agent_id, day: closed.day };
      const after = await trx
        .updateTable('budget_days')
        .set((eb) => ({
          spent_micro_usd: eb('spent_micro_usd', '+', actualMicroUsd),
          // An expired reservation already gave its amount back.
          reserved_micro_usd: eb('reserved_micro_usd', '-', held ? closed.amount_micro_usd : 0),
          updated_at: at,
        }))
        .where(dayWhere(day))
        .returning(['spent_micro_usd', 'threshold_alerted_ppm'])
        .executeTakeFirst();
      const mayCross =
        claim !== null &&
        after !== undefined &&
        Number(after.spent_micro_usd) >= claim.thresholdMicroUsd &&
        (after.threshold_alerted_ppm === null || Number(after.threshold_alerted_ppm) < claim.ppm);
      if (!mayCross) return { settled: true, day };
      // Exactly one settle across all instances gets this row back: the first whose spend reaches it.
      const crossed = await trx
        .updateTable('budget_days')
        .set({ threshold_alerted_ppm: claim.ppm })
        .where(dayWhere(day))
        .where('spent_micro_usd', '>=', claim.thresholdMicroUsd)
        .where((eb) =>
          eb.or([eb('threshold_alerted_ppm', 'is', null), eb('threshold_alerted_ppm', '<', claim.ppm)]),
        )
        .returning('spent_micro_usd')
        .executeTakeFirst();
      return crossed
        ? { settled: true, day, crossedAtMicroUsd: Number(crossed.spent_micro_usd) }
        : { settled: true, day };
    });
  }

  /**
   * Ends a held reservation without spend: `released` (the run never started) or `expired` (stale).
   * Resolves true when it gave money back. Releasing an expired reservation only records that.
   */
  free(id: string, to: 'released' | 'expired', at: number): Promise<boolean> {
    return this.transaction(async (trx) => {
      const held = await closeReservation(trx, id, 'reserved', to, at);
      if (!held) {
        if (to === 'released') await closeReservation(trx, id, 'expired', 'released', at);
        return false;
      }
      await trx
        .updateTable('budget_days')
        .set((eb) => ({
          reserved_micro_usd: eb('reserved_micro_usd', '-', held.amount_micro_usd),
          updated_at: at,
        }))
        .where(dayWhere({ tenantId: held.tenant_id, agentId: held.agent_id, day: held.day }))
        .execute();
      return true;
    });
  }

  /** Ids of reservations still held that were made before `cutoff`, oldest first. */
  async heldBefore(cutoff: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('budget_reservations')
      .select('id')
      .where('status', '=', 'reserved')
      .where('created_at', '<', cutoff)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  readDay(key: DayKey): Promise<BudgetDaysTable | undefined> {
    return this.db.selectFrom('budget_days').selectAll().where(dayWhere(key)).executeTakeFirst();
  }

  private transaction<Result>(work: (trx: BudgetDb) => Promise<Result>): Promise<Result> {
    return this.store.writeTransaction((connection) =>
      work(connection.withTables<BudgetTables>() as unknown as BudgetDb),
    );
  }
}

/** The primary key of one budget day, as a WHERE condition. */
function dayWhere(key: DayKey) {
  return (eb: ExpressionBuilder<BudgetTables, 'budget_days'>) =>
    eb.and([eb('tenant_id', '=', key.tenantId), eb('agent_id', '=', key.agentId), eb('day', '=', key.day)]);
}

/** Moves one reservation from `from` to `to`; resolves with its row when this call moved it. */
function closeReservation(
  trx: BudgetDb,
  id: string,
  from: 'reserved' | 'expired',
  to: 'settled' | 'released' | 'expired',
  at: number,
  settled?: { actualMicroUsd: number; measured: MeasuredRun | undefined },
): Promise<ClosedReservation | undefined> {
  return trx
    .updateTable('budget_reservations')
    .set({
      status: to,
      settled_at: at,
      ...(settled ? { actual_micro_usd: settled.actualMicroUsd } : {}),
      ...(settled?.measured
        ? { prompt_tokens: settled.measured.promptTokens, output_tokens: settled.measured.outputTokens }
        : {}),
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .returning(['tenant_id', 'agent_id', 'day', 'amount_micro_usd'])
    .executeTakeFirst();
}

/** Sets a holder's lease to end at `expiresAt` (creating it on first use). */
export function upsertLease(
  trx: BudgetDb,
  holderId: string,
  expiresAt: number,
  at: number,
): Promise<unknown> {
  return trx
    .insertInto('budget_holders')
    .values({ id: holderId, expires_at: expiresAt, updated_at: at })
    .onConflict((conflict) => conflict.column('id').doUpdateSet({ expires_at: expiresAt, updated_at: at }))
    .execute();
}
