import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { StewardError } from '../../errors/index.js';
import type { StewardEventMap } from '../../events/index.js';
import { EventBus } from '../../events/index.js';
import type { StewardStore } from '../../store/index.js';
import { openStore } from '../../store/index.js';
import { BudgetService } from './budget-service.js';
import type { BudgetServiceConfig, BudgetServiceOptions } from './budget-types.js';
import type { BudgetTables } from './schema.js';

const scope = { tenantId: 'acme', agentId: 'front-desk' };
let reservationCounter = 0;

/** The error `promise` rejects with. */
async function rejectionOf(promise: Promise<unknown>): Promise<StewardError> {
  try {
    await promise;
  } catch (error) {
    expect(StewardError.isInstance(error)).toBe(true);
    return error as StewardError;
  }
  throw new Error('expected a rejection');
}

describe.each(storeEngines)('BudgetService on $name', (engine) => {
  let opened: TestStore | undefined;
  const extraStores: StewardStore[] = [];
  afterEach(async () => {
    for (const store of extraStores.splice(0)) await store.close();
    await opened?.cleanup();
    opened = undefined;
  });

  async function setup(
    config: BudgetServiceConfig = { daily: 1 },
    clock = { now: Date.parse('2026-06-15T12:00:00Z') },
    options: BudgetServiceOptions = {},
    store?: StewardStore,
  ) {
    opened ??= await engine.open();
    const bus = new EventBus();
    const events: Array<{ name: string; payload: unknown }> = [];
    bus.onAny((event) => {
      events.push(event);
    });
    const budget = new BudgetService(store ?? opened.store, config, {
      now: () => clock.now,
      newId: () => `r-${++reservationCounter}`,
      bus,
      ...options,
    });
    return { budget, events, clock, store: store ?? opened.store };
  }

  async function reservationRows(store: StewardStore) {
    return store.db
      .withTables<BudgetTables>()
      .selectFrom('budget_reservations')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  it('reserves, settles the actual cost in place of the reservation, and releases', async () => {
    const { budget, store } = await setup({ daily: 1 });
    const first = await budget.reserve(scope, { interactionId: 'i-1', amountUsd: 0.3 });
    expect(first).toMatchObject({ ...scope, day: '2026-06-15', interactionId: 'i-1', amountUsd: 0.3 });
    const second = await budget.reserve(scope, { interactionId: 'i-2', amountUsd: 0.2 });
    expect(await budget.status(scope)).toMatchObject({
      day: '2026-06-15',
      timeZone: 'UTC',
      dailyUsd: 1,
      spentUsd: 0,
      reservedUsd: 0.5,
      remainingUsd: 0.5,
    });

    expect(await budget.settle(first, 0.012099)).toBe(true);
    expect(await budget.release(second)).toBe(true);
    expect(await budget.status(scope)).toMatchObject({
      spentUsd: 0.012099,
      reservedUsd: 0,
      remainingUsd: 0.987901,
    });
    const rows = await reservationRows(store);
    expect(rows.map((row) => [row.id, row.status, row.actual_micro_usd])).toEqual([
      [first.id, 'settled', 12099],
      [second.id, 'released', null],
    ]);
  });

  it('refuses what the day cannot cover, with the figures in the details', async () => {
    const { budget } = await setup({ daily: 1 });
    const held = await budget.reserve(scope, { interactionId: 'i-1', amountUsd: 0.6 });
    await budget.settle(held, 0.25);
    await budget.reserve(scope, { interactionId: 'i-2', amountUsd: 0.6 });
    const error = await rejectionOf(budget.reserve(scope, { interactionId: 'i-3', amountUsd: 0.2 }));
    expect(error.code).toBe('budget-exceeded');
    expect(error.status).toBe(402);
    expect(error.details).toMatchObject({
      reason: 'daily-budget',
      daily: 1,
      spent: 0.25,
      reserved: 0.6,
      requested: 0.2,
      day: '2026-06-15',
    });
    expect(error.message).toContain('optimization.budget.daily');
    // What still fits is still granted.
    await budget.reserve(scope, { interactionId: 'i-4', amountUsd: 0.15 });
    expect((await budget.status(scope)).remainingUsd).toBe(0);
  });

  it('counts money exactly: ten reservations of $0.10 fit a $1.00 day, the eleventh does not', async () => {
    const { budget } = await setup({ daily: 1 });
    for (let index = 0; index < 10; index++) {
      await budget.reserve(scope, { interactionId: `i-${index}`, amountUsd: 0.1 });
    }
    await expect(budget.reserve(scope, { interactionId: 'i-10', amountUsd: 0.1 })).rejects.toThrow(
      /cannot cover/,
    );
  });

  it('settles once: a second settle, or a release after it, changes nothing', async () => {
    const { budget, store } = await setup({ daily: 1 });
    const reservation = await budget.reserve(scope, { interactionId: 'i-1', amountUsd: 0.5 });
    expect(await budget.settle(reservation, 0.1)).toBe(true);
    expect(await budget.settle(reservation, 0.1)).toBe(false);
    expect(await budget.settle(reservation, 0.4)).toBe(false);
    expect(await budget.release(reservation)).toBe(false);
    // Another instance settling the same reservation does nothing either.
    const other = await openStore(opened!.config, {});
    extraStores.push(other);
    const { budget: elsewhere } = await setup({ daily: 1 }, undefined, {}, other);
    expect(await elsewhere.settle(reservation, 0.1)).toBe(false);
    expect(await budget.status(scope)).toMatchObject({ spentUsd: 0.1, reservedUsd: 0 });
    expect((await reservationRows(store))[0]).toMatchObject({ status: 'settled', actual_micro_usd: 100000 });
  });

  it('tracks spend without a daily budget, never refusing', async () => {
    const { budget } = await setup({});
    const reservation = await budget.reserve(scope, { interactionId: 'i-1', amountUsd: 1_000 });
    await budget.settle(reservation, 2.5);
    expect(await budget.status(scope)).toMatchObject({
      dailyUsd: null,
      spentUsd: 2.5,
      reservedUsd: 0,
      remainingUsd: null,
      alertsSent: { threshold: null, exhausted: false },
    });
  });

  it('rolls over at local midnight in its time zone, settling into the day a run reserved on', async () => {
    // Berlin's midnight after the spring DST change: 2026-03-29T22:00Z.
    const clock = { now: Date.parse('2026-03-29T21:59:00Z') };
    const { budget } = await setup({ daily: 1, timeZone: 'Europe/Berlin' }, clock);
    const late = await budget.reserve(scope, { interactionId: 'i-1', amountUsd: 1 });
    expect(late.day).toBe('2026-03-29');
    await expect(budget.reserve(scope, { interactionId: 'i-2', amountUsd: 0.01 })).rejects.toThrow(
      /2026-03-29 \(Europe\/Berlin\)/,
    );

    clock.now = Date.parse('2026-03-29T22:00:00Z');
    const fresh = await budget.reserve(scope, { interactionId: 'i-3', amountUsd: 0.4 });
    expect(fresh.day).toBe('2026-03-30');
    await budget.settle(late, 0.9);
    expect(await budget.status(scope)).toMatchObject({
      day: '2026-03-30',
      timeZone: 'Europe/Berlin',
      spentUsd: 0,
      reservedUsd: 0.4,
    });
    clock.now = Date.parse('2026-03-29T21:00:00Z');
    expect(await budget.status(scope)).toMatchObject({ day: '2026-03-29', spentUsd: 0.9, reservedUsd: 0 });
  });

  it('announces the threshold once per day, even across instances, and the first refusal once', async () => {
    const clock = { now: Date.parse('2026-06-15T12:00:00Z') };
    const config = { daily: 1, alertThreshold: 0.5 };
    const first = await setup(config, clock);
    const other = await openStore(opened!.config, {});
    extraStores.push(other);
    const second = await setup(config, clock, {}, other);
    const spend = async (service: BudgetService, usd: number) =>
      service.settle(await service.reserve(scope, { interactionId: `i-${usd}`, amountUsd: usd }), usd);

    await spend(first.budget, 0.3);
    expect(first.events).toEqual([]);
    await spend(second.budget, 0.3);
    await spend(first.budget, 0.1);
    await spend(second.budget, 0.1);
    const crossed = [...first.events, ...second.events];
    expect(crossed).toEqual([
      {
        name: 'budget-threshold-crossed',
        payload: {
          ...scope,
          at: clock.now,
          day: '2026-06-15',
          timeZone: 'UTC',
          threshold: 0.5,
          dailyUsd: 1,
          spentUsd: 0.6,
        } satisfies StewardEventMap['budget-threshold-crossed'],
      },
    ]);
    expect(second.events).toHaveLength(1);

    for (const service of [first.budget, second.budget, first.budget]) {
      await expect(service.reserve(scope, { interactionId: 'big', amountUsd: 0.5 })).rejects.toThrow();
    }
    const exhausted = [...first.events, ...second.events].filter(
      (event) => event.name === 'budget-exhausted',
    );
    expect(exhausted).toEqual([
      {
        name: 'budget-exhausted',
        payload: expect.objectContaining({
          ...scope,
          day: '2026-06-15',
          interactionId: 'big',
          dailyUsd: 1,
          spentUsd: 0.8,
          reservedUsd: 0,
          requestedUsd: 0.5,
        }),
      },
    ]);
    expect((await first.budget.status(scope)).alertsSent).toEqual({ threshold: 0.5, exhausted: true });

    // A new day announces again.
    clock.now = Date.parse('2026-06-16T00:00:00Z');
    first.events.length = 0;
    second.events.length = 0;
    await spend(first.budget, 0.6);
    await expect(second.budget.reserve(scope, { interactionId: 'big', amountUsd: 0.5 })).rejects.toThrow();
    expect([...first.events, ...second.events].map((event) => event.name).sort()).toEqual([
      'budget-exhausted',
      'budget-threshold-crossed',
    ]);
  });

  it('announces a higher threshold configured later the same day, not a lower one', async () => {
    const clock = { now: Date.parse('2026-06-15T12:00:00Z') };
    const low = await setup({ daily: 1, alertThreshold: 0.5 }, clock);
    const high = await setup({ daily: 1, alertThreshold: 0.9 }, clock);
    const lower = await setup({ daily: 1, alertThreshold: 0.4 }, clock);
    await low.budget.settle(await low.budget.reserve(scope, { interactionId: 'a', amountUsd: 0.6 }), 0.6);
    await high.budget.settle(await high.budget.reserve(scope, { interactionId: 'b', amountUsd: 0.2 }), 0.1);
    await lower.budget.settle(await lower.budget.reserve(scope, { interactionId: 'c', amountUsd: 0.1 }), 0.1);
    expect(low.events).toHaveLength(1);
    expect(high.events).toEqual([]);
    // 0.8 spent: above 0.4, but 0.5 was already announced today.
    expect(lower.events).toEqual([]);
    await high.budget.settle(await high.budget.reserve(scope, { interactionId: 'd', amountUsd: 0.2 }), 0.2);
    expect(high.events).toEqual([
      { name: 'budget-threshold-crossed', payload: expect.objectContaining({ threshold: 0.9, spentUsd: 1 }) },
    ]);
    expect((await high.budget.status(scope)).alertsSent.threshold).toBe(0.9);
  });

  it('expires reservations of crashed runs after the TTL; a late settle still counts its cost', async () => {
    const clock = { now: Date.parse('2026-06-15T12:00:00Z') };
    const { budget, store } = await setup({ daily: 1 }, clock, { reservationTtl: '10m' });
    const crashed = await budget.reserve(scope, { interactionId: 'crashed', amountUsd: 0.6 });
    const slow = await budget.reserve(scope, { interactionId: 'slow', amountUsd: 0.3 });
    clock.now += 9 * 60_000;
    await expect(budget.reserve(scope, { interactionId: 'blocked', amountUsd: 0.5 })).rejects.toThrow(
      /cannot cover/,
    );

    clock.now += 2 * 60_000;
    // `reserve` sweeps first: both expired reservations free their money.
    const after = await budget.reserve(scope, { interactionId: 'after', amountUsd: 0.5 });
    expect(await budget.status(scope)).toMatchObject({ reservedUsd: 0.5, spentUsd: 0 });
    expect(await budget.releaseStale(clock.now)).toBe(0);

    expect(await budget.release(crashed)).toBe(false);
    expect(await budget.settle(slow, 0.2)).toBe(true);
    expect(await budget.settle(slow, 0.2)).toBe(false);
    expect(await budget.status(scope)).toMatchObject({ reservedUsd: 0.5, spentUsd: 0.2 });
    const statuses = Object.fromEntries(
      (await reservationRows(store)).map((row) => [row.interaction_id, row.status]),
    );
    expect(statuses).toEqual({ crashed: 'released', slow: 'settled', after: 'reserved' });
    expect(after.day).toBe('2026-06-15');
  });

  it('releaseStale frees stale reservations of every agent and day, each exactly once', async () => {
    const clock = { now: Date.parse('2026-06-15T23:58:00Z') };
    const { budget } = await setup({ daily: 1 }, clock, { reservationTtl: 60_000 });
    await budget.reserve(scope, { interactionId: 'a', amountUsd: 0.5 });
    await budget.reserve({ ...scope, agentId: 'other' }, { interactionId: 'b', amountUsd: 0.5 });
    clock.now = Date.parse('2026-06-16T00:00:30Z');
    await budget.reserve(scope, { interactionId: 'c', amountUsd: 0.5 });
    expect(await budget.releaseStale(clock.now)).toBe(0);
    expect(await budget.status(scope)).toMatchObject({ day: '2026-06-16', reservedUsd: 0.5 });
    clock.now = Date.parse('2026-06-15T23:59:00Z');
    expect(await budget.status(scope)).toMatchObject({ reservedUsd: 0 });
    expect(await budget.status({ ...scope, agentId: 'other' })).toMatchObject({ reservedUsd: 0 });
  });

  it('fails closed: with the store gone, a reservation is refused as store-unavailable', async () => {
    const { budget, store } = await setup({ daily: 50 });
    const reservation = await budget.reserve(scope, { interactionId: 'i-1', amountUsd: 0.1 });
    await store.close();
    const error = await rejectionOf(budget.reserve(scope, { interactionId: 'i-2', amountUsd: 0.1 }));
    expect(error.code).toBe('budget-exceeded');
    expect(error.details).toMatchObject({ reason: 'store-unavailable', requested: 0.1 });
    expect(error.message).toMatch(/could not confirm a reservation.*fail closed/);
    expect(error.cause).toBeDefined();
    // Settling cannot be confirmed either; it says so rather than pretending.
    const settleError = await rejectionOf(budget.settle(reservation, 0.05));
    expect(settleError.code).toBe('store-unavailable');
  });

  it('also fails closed without a daily budget', async () => {
    const { budget, store } = await setup({});
    await store.close();
    const error = await rejectionOf(budget.reserve(scope, { interactionId: 'i-1', amountUsd: 0 }));
    expect(error.details.reason).toBe('store-unavailable');
  });

  it('rejects bad amounts and config before touching the store', async () => {
    const { budget } = await setup({ daily: 1 });
    await expect(budget.reserve(scope, { interactionId: 'i', amountUsd: -1 })).rejects.toMatchObject({
      code: 'invalid-request',
    });
    await expect(budget.reserve(scope, { interactionId: 'i', amountUsd: Number.NaN })).rejects.toThrow(
      /amountUsd/,
    );
    expect(() => new BudgetService(opened!.store, { timeZone: 'Nowhere/Special' })).toThrow(/IANA/);
    expect(() => new BudgetService(opened!.store, {}, { reservationTtl: 'soon' })).toThrow(/reservationTtl/);
  });
});
