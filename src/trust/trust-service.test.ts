import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { EventBus } from '../events/index.js';
import { openStore } from '../store/index.js';
import { type TrustConfig, trustConfigSchema } from './config.js';
import { type OutcomeInput, TrustService } from './trust-service.js';

const scope = { tenantId: 'acme', agentId: 'front-desk' };

function config(overrides: Partial<TrustConfig> = {}) {
  return trustConfigSchema.parse({
    initial: 0.3,
    rules: [
      { metric: 'success_rate', threshold: 0.9, action: 'increment', amount: 0.1 },
      { metric: 'error_rate', threshold: 0.3, action: 'decrement', amount: 0.2 },
    ],
    minSamples: 10,
    cooldown: '0s',
    maxDailyGain: 1,
    ...overrides,
  });
}

let counter = 0;
function outcome(kind: 'success' | 'error', extra: Partial<OutcomeInput> = {}): OutcomeInput {
  counter++;
  return {
    interactionId: `i-${counter}`,
    kind,
    denied: false,
    escalations: 0,
    latencyMs: 10,
    costUsd: 0.01,
    ...extra,
  };
}

describe.each(storeEngines)('TrustService on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function service(overrides: Partial<TrustConfig> = {}, clock = { now: 1_000_000 }) {
    opened ??= await engine.open();
    const bus = new EventBus();
    const changes: string[] = [];
    bus.on('trust-level-changed', (event) => {
      changes.push(`${event.kind} ${event.from}->${event.to}`);
    });
    const trust = new TrustService(opened.store, config(overrides), { now: () => clock.now, bus });
    return { trust, changes, clock };
  }

  it('starts at the initial level and promotes only on a conservative bound with enough samples', async () => {
    const { trust, changes } = await service();
    expect(await trust.level(scope)).toBe(0.3);
    for (let index = 0; index < 9; index++)
      expect(await trust.recordOutcome(scope, outcome('success'))).toBeNull();
    // 10/10 successes: Wilson lower bound ≈ 0.72 < 0.9, so no promotion yet.
    expect(await trust.recordOutcome(scope, outcome('success'))).toBeNull();
    let change = null;
    for (let index = 0; index < 60 && !change; index++)
      change = await trust.recordOutcome(scope, outcome('success'));
    expect(change).toMatchObject({ from: 0.3, to: 0.4 });
    expect(await trust.level(scope)).toBe(0.4);
    expect(changes).toEqual(['rule 0.3->0.4']);
    const [entry] = await trust.history(scope);
    expect(entry).toMatchObject({ kind: 'rule', from: 0.3, to: 0.4, rule: { metric: 'success_rate' } });
    expect(entry?.reason).toMatch(/success_rate/);
    expect(entry?.metrics?.samples).toBeGreaterThanOrEqual(10);
  });

  it('restarts the window after a change and demotes on an error burst', async () => {
    const { trust } = await service({ initial: 0.5 });
    for (let index = 0; index < 3; index++) await trust.recordOutcome(scope, outcome('error'));
    expect(await trust.level(scope)).toBe(0.5); // below minSamples
    for (let index = 0; index < 7; index++) await trust.recordOutcome(scope, outcome('error'));
    expect(await trust.level(scope)).toBe(0.3);
    // The window restarted: the next 9 errors cannot fire a rule, the 10th can.
    for (let index = 0; index < 9; index++) await trust.recordOutcome(scope, outcome('error'));
    expect(await trust.level(scope)).toBe(0.3);
    await trust.recordOutcome(scope, outcome('error'));
    expect(await trust.level(scope)).toBeCloseTo(0.1, 9);
    const snapshot = await trust.snapshot(scope);
    expect(snapshot.metrics.samples).toBe(0);
  });

  it('records an interaction once, however often it is reported', async () => {
    const { trust } = await service();
    const same = outcome('error');
    for (let index = 0; index < 12; index++) await trust.recordOutcome(scope, same);
    expect((await trust.snapshot(scope)).metrics.samples).toBe(1);
  });

  it('turns a success into an error on negative feedback and re-evaluates', async () => {
    const { trust } = await service({
      initial: 0.5,
      rules: [{ metric: 'error_rate', threshold: 0.1, action: 'decrement', amount: 0.2 }],
    });
    const recorded: OutcomeInput[] = [];
    for (let index = 0; index < 10; index++) {
      const sample = outcome('success');
      recorded.push(sample);
      await trust.recordOutcome(scope, sample);
    }
    expect(await trust.level(scope)).toBe(0.5);
    await trust.recordFeedback(scope, recorded[0]!.interactionId, 'positive');
    expect(await trust.level(scope)).toBe(0.5);
    await trust.recordFeedback(scope, recorded[1]!.interactionId, 'negative');
    expect(await trust.level(scope)).toBe(0.3);
  });

  it('records operator actions with who and why; a frozen level does not move', async () => {
    const { trust, changes } = await service();
    await trust.operatorAction(scope, { type: 'freeze' }, 'alice', 'investigating a complaint');
    for (let index = 0; index < 80; index++) await trust.recordOutcome(scope, outcome('success'));
    expect(await trust.level(scope)).toBe(0.3);
    await trust.operatorAction(scope, { type: 'unfreeze' }, 'alice', 'resolved');
    await trust.operatorAction(scope, { type: 'set', level: 0.7 }, 'bob', 'onboarding done');
    expect((await trust.snapshot(scope)).level).toBe(0.7);
    await expect(trust.operatorAction(scope, { type: 'set', level: 1.5 }, 'bob', 'x')).rejects.toMatchObject({
      code: 'invalid-request',
    });
    await expect(trust.operatorAction(scope, { type: 'reset' }, '', 'x')).rejects.toMatchObject({
      code: 'invalid-request',
    });
    const history = await trust.history(scope);
    expect(history.map((entry) => [entry.kind, entry.actor, entry.reason])).toEqual([
      ['set', 'bob', 'onboarding done'],
      ['unfreeze', 'alice', 'resolved'],
      ['freeze', 'alice', 'investigating a complaint'],
    ]);
    expect(changes).toContain('set 0.3->0.7');
  });

  it('refuses to set a frozen level unless the same call unfreezes it', async () => {
    const { trust, changes } = await service();
    await trust.operatorAction(scope, { type: 'freeze' }, 'alice', 'incident under review');
    const refused = trust.operatorAction(scope, { type: 'set', level: 0.7 }, 'bob', 'looks fine');
    await expect(refused).rejects.toMatchObject({ code: 'conflict', status: 409 });
    await expect(refused).rejects.toThrow(/frozen.*unfreeze/);
    expect(await trust.snapshot(scope)).toMatchObject({ level: 0.3, frozen: true });
    const set = await trust.operatorAction(
      scope,
      { type: 'set', level: 0.7, unfreeze: true },
      'bob',
      'reviewed',
    );
    expect(set).toMatchObject({ level: 0.7, frozen: false });
    expect(
      (await trust.history(scope)).map((entry) => [entry.kind, entry.from, entry.to, entry.actor]),
    ).toEqual([
      ['set', 0.3, 0.7, 'bob'],
      ['unfreeze', 0.3, 0.3, 'bob'],
      ['freeze', 0.3, 0.3, 'alice'],
    ]);
    expect(changes).toEqual(['freeze 0.3->0.3', 'unfreeze 0.3->0.3', 'set 0.3->0.7']);
    // On an agent that is not frozen, `unfreeze: true` is just a set.
    await trust.operatorAction(scope, { type: 'set', level: 0.5, unfreeze: true }, 'bob', 'tune');
    expect((await trust.history(scope))[1]?.kind).toBe('set');
  });

  it('resets to the state of a new agent: the initial level, unfrozen, a new window, no gain counted today', async () => {
    const { trust, changes, clock } = await service({
      maxDailyGain: 0.1,
      rules: [{ metric: 'success_rate', threshold: 0.5, action: 'increment', amount: 0.1 }],
    });
    const promote = async () => {
      for (let index = 0; index < 10; index++) await trust.recordOutcome(scope, outcome('success'));
    };
    await promote();
    expect(await trust.level(scope)).toBe(0.4);
    // The day's gain (0.1) is used up: more successes do not promote again today.
    await promote();
    expect(await trust.level(scope)).toBe(0.4);
    await trust.operatorAction(scope, { type: 'freeze' }, 'alice', 'incident');
    clock.now += 1000;
    const reset = await trust.operatorAction(scope, { type: 'reset' }, 'alice', 'start over');
    expect(reset).toMatchObject({
      level: 0.3,
      frozen: false,
      windowStartedAt: clock.now,
      lastChangeAt: null,
    });
    expect(reset.metrics.samples).toBe(0);
    expect((await trust.history(scope))[0]).toMatchObject({
      kind: 'reset',
      from: 0.4,
      to: 0.3,
      actor: 'alice',
    });
    // Unfrozen, and the day's gain was cleared: the rules promote again on the same UTC day.
    await promote();
    expect(await trust.level(scope)).toBe(0.4);
    expect(changes).toEqual(['rule 0.3->0.4', 'freeze 0.4->0.4', 'reset 0.4->0.3', 'rule 0.3->0.4']);
  });

  it('tells in each change event whether the new level allows tool calls the old one did not', async () => {
    opened ??= await engine.open();
    const bus = new EventBus();
    const events: Array<Record<string, unknown>> = [];
    bus.on('trust-level-changed', (event) => {
      const { kind, from, to, fromBand, toBand, permissionsRaised, permissionsAdded } = event;
      events.push({ kind, from, to, fromBand, toBand, permissionsRaised, permissionsAdded });
    });
    const trust = new TrustService(
      opened.store,
      config({ permissions: { 0.3: ['Read'], 0.5: ['Read', 'Write'], 0.9: ['*'] } }),
      { now: () => 1_000_000, bus },
    );
    await trust.operatorAction(scope, { type: 'set', level: 0.6 }, 'alice', 'pilot');
    await trust.operatorAction(scope, { type: 'set', level: 0.7 }, 'alice', 'same band');
    await trust.operatorAction(scope, { type: 'set', level: 0.9 }, 'alice', 'everything');
    await trust.operatorAction(scope, { type: 'reset' }, 'alice', 'start over');
    await trust.operatorAction(scope, { type: 'reset' }, 'alice', 'again');
    expect(events).toEqual([
      {
        kind: 'set',
        from: 0.3,
        to: 0.6,
        fromBand: '0.3',
        toBand: '0.5',
        permissionsRaised: true,
        permissionsAdded: ['Write'],
      },
      {
        kind: 'set',
        from: 0.6,
        to: 0.7,
        fromBand: '0.5',
        toBand: '0.5',
        permissionsRaised: false,
        permissionsAdded: [],
      },
      {
        kind: 'set',
        from: 0.7,
        to: 0.9,
        fromBand: '0.5',
        toBand: '0.9',
        permissionsRaised: true,
        permissionsAdded: ['*'],
      },
      {
        kind: 'reset',
        from: 0.9,
        to: 0.3,
        fromBand: '0.9',
        toBand: '0.3',
        permissionsRaised: false,
        permissionsAdded: [],
      },
      {
        kind: 'reset',
        from: 0.3,
        to: 0.3,
        fromBand: '0.3',
        toBand: '0.3',
        permissionsRaised: false,
        permissionsAdded: [],
      },
    ]);
  });

  it('keeps tenants and agents apart', async () => {
    const { trust } = await service({ initial: 0.5 });
    for (let index = 0; index < 10; index++) await trust.recordOutcome(scope, outcome('error'));
    expect(await trust.level(scope)).toBe(0.3);
    expect(await trust.level({ tenantId: 'globex', agentId: 'front-desk' })).toBe(0.5);
    expect(await trust.level({ tenantId: 'acme', agentId: 'other' })).toBe(0.5);
    expect(await trust.history({ tenantId: 'globex', agentId: 'front-desk' })).toEqual([]);
  });

  it('decays toward the floor when idle, and records the decay', async () => {
    const day = 86_400_000;
    const clock = { now: 1_000_000 };
    const { trust, changes } = await service(
      { initial: 0.5, floor: 0.1, decay: { idleAfter: '1d', amount: 0.1, every: '1d' } },
      clock,
    );
    await trust.recordOutcome(scope, outcome('success'));
    clock.now += 1.5 * day;
    expect(await trust.level(scope)).toBe(0.5);
    clock.now += 2 * day;
    expect(await trust.level(scope)).toBe(0.3);
    clock.now += 30 * day;
    expect(await trust.level(scope)).toBe(0.1);
    expect(changes).toEqual(['decay 0.5->0.3', 'decay 0.3->0.1']);
    expect((await trust.history(scope))[0]).toMatchObject({ kind: 'decay', actor: null });
  });

  it('after an idle decay, the outcomes from before it no longer count toward a rule', async () => {
    const day = 86_400_000;
    const clock = { now: 1_000_000 };
    const { trust, changes } = await service(
      {
        initial: 0.5,
        minSamples: 40,
        window: { duration: '30d', lastN: 100 },
        decay: { idleAfter: '1d', amount: 0.1, every: '1d' },
      },
      clock,
    );
    // 39 successes: one short of minSamples, so no promotion yet.
    for (let index = 0; index < 39; index++) await trust.recordOutcome(scope, outcome('success'));
    clock.now += 2.5 * day;
    // The 40th, after the idle spell: the decay restarts the window, which now holds this outcome alone.
    expect(await trust.recordOutcome(scope, outcome('success'))).toBeNull();
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatch(/^decay 0\.5->/);
    expect(await trust.level(scope)).toBeLessThan(0.5);
  });

  it('counts allowed and denied tool calls per tool', async () => {
    const { trust } = await service();
    await trust.countToolDecision(scope, 'Write', false);
    await trust.countToolDecision(scope, 'Write', false);
    await trust.countToolDecision(scope, 'Read', true);
    expect((await trust.snapshot(scope)).tools).toEqual([
      { toolName: 'Read', allowed: 1, denied: 0 },
      { toolName: 'Write', allowed: 0, denied: 2 },
    ]);
  });

  // Two app instances share PostgreSQL. On SQLite (one machine) both instances in this one process must share
  // the store: two better-sqlite3 connections in one thread would block each other in busy_timeout.
  it('never loses an outcome or applies a rule twice with two instances writing at once', async () => {
    opened = await engine.open();
    const second = engine.name === 'postgres' ? await openStore(opened.config, {}) : opened.store;
    try {
      const rules = config({
        initial: 0,
        ceiling: 1,
        minSamples: 5,
        rules: [{ metric: 'success_rate', threshold: 0.5, action: 'increment', amount: 0.1 }],
      });
      const instances = [new TrustService(opened.store, rules), new TrustService(second, rules)];
      const total = 60;
      await Promise.all(
        Array.from({ length: total }, (_, index) =>
          instances[index % 2]!.recordOutcome(scope, { ...outcome('success'), interactionId: `c-${index}` }),
        ),
      );
      const snapshot = await instances[0]!.snapshot(scope);
      const history = await instances[1]!.history(scope, { limit: 500 });
      const outcomes = await opened.store.db
        .withTables<{ trust_outcomes: { tenant_id: string } }>()
        .selectFrom('trust_outcomes')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('tenant_id', '=', 'acme')
        .executeTakeFirstOrThrow();
      expect(Number(outcomes.count)).toBe(total);
      // Every 5 outcomes promote by 0.1 until the ceiling: exactly 10 changes, each from the previous level.
      expect(history).toHaveLength(10);
      expect(snapshot.level).toBe(1);
      const steps = history.reverse().map((entry) => [entry.from, entry.to]);
      steps.forEach(([from, to], index) => {
        expect(from).toBeCloseTo(index / 10, 9);
        expect(to).toBeCloseTo((index + 1) / 10, 9);
      });
    } finally {
      if (second !== opened.store) await second.close();
    }
  });
});
