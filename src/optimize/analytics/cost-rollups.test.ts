import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import type { InteractionRecord } from '../../store/index.js';
import { CostRollups } from './cost-rollups.js';

let sequence = 0;
function interaction(
  tier: string,
  costUsd: number,
  extra: Partial<InteractionRecord> = {},
): InteractionRecord {
  sequence++;
  return {
    id: `i-${sequence}`,
    tenantId: 'acme',
    agentId: 'front-desk',
    conversationId: 'c',
    channel: 'web',
    tier,
    outcome: 'success',
    requestText: 'q',
    replyText: 'a',
    costUsd,
    usage: { inputTokens: 100, outputTokens: 10, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
    latencyMs: 1,
    queueWaitMs: 0,
    toolCalls: [],
    simulatedModel: true,
    createdAt: Date.UTC(2026, 10, 25, 12),
    ...extra,
  };
}

describe.each(storeEngines)('cost rollups on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('rolls interactions up per day and tier, with savings against the running model average', async () => {
    opened = await engine.open();
    const costs = new CostRollups(opened.store);
    await costs.record(interaction('cache', 0)); // before any model answer: no baseline, no savings claimed
    await costs.record(interaction('intelligent', 0.06));
    await costs.record(interaction('intelligent', 0.04));
    await costs.record(interaction('cache', 0));
    await costs.record(interaction('cache', 0));
    await costs.record(interaction('pattern', 0.001));
    await costs.record(
      interaction('intelligent', 0.05, { outcome: 'error', createdAt: Date.UTC(2026, 10, 26, 1) }),
    );

    const report = await costs.report({ tenantId: 'acme' });
    expect(report.rows.map((row) => [row.day, row.tier, row.requests])).toEqual([
      ['2026-11-25', 'cache', 3],
      ['2026-11-25', 'intelligent', 2],
      ['2026-11-25', 'pattern', 1],
      ['2026-11-26', 'intelligent', 1],
    ]);
    const cache = report.rows[0]!;
    expect(cache.costUsd).toBe(0);
    expect(cache.savingsUsd).toBeCloseTo(0.1, 9); // two hits at the running average of $0.05
    expect(report.rows[2]!.savingsUsd).toBeCloseTo(0.049, 9);
    expect(report.rows[3]!.errors).toBe(1);
    expect(report.totals.requests).toBe(7);
    expect(report.totals.cacheHitRate).toBeCloseTo(3 / 7, 9);
    expect(report.totals.offModelRate).toBeCloseTo(4 / 7, 9);
    expect(report.totals.costUsd).toBeCloseTo(0.151, 9);
    expect((await costs.report({ from: '2026-11-26' })).totals.requests).toBe(1);
    expect((await costs.report({ tenantId: 'globex' })).rows).toEqual([]);
    await expect(costs.report({ from: 'yesterday' })).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(costs.report({ to: '2024-02-30' })).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('prices a cheaper answer at its own agent’s mean model cost, rounded half up to the micro-dollar', async () => {
    opened = await engine.open();
    const costs = new CostRollups(opened.store);
    // Another tenant's and another agent's model answers are no baseline for acme's desk.
    await costs.record(interaction('intelligent', 1, { tenantId: 'globex' }));
    await costs.record(interaction('intelligent', 1, { agentId: 'sales' }));
    await costs.record(interaction('intelligent', 0.000001));
    await costs.record(interaction('intelligent', 0.000002));
    await costs.record(interaction('cache', 0));
    const [cache] = (await costs.report({ tenantId: 'acme' })).rows.filter(
      (row) => row.tier === 'cache' && row.agentId !== 'sales',
    );
    expect(cache!.baselineUsd).toBeCloseTo(0.000002, 9); // 1.5 µ$ → 2 µ$
  });

  it('counts concurrent recordings exactly', async () => {
    opened = await engine.open();
    const costs = new CostRollups(opened.store);
    await Promise.all(Array.from({ length: 40 }, () => costs.record(interaction('intelligent', 0.01))));
    const report = await costs.report();
    expect(report.totals.requests).toBe(40);
    expect(report.totals.costUsd).toBeCloseTo(0.4, 9);
  });

  it('uses the configured time zone for the day', async () => {
    opened = await engine.open();
    const costs = new CostRollups(opened.store, 'America/New_York');
    await costs.record(interaction('intelligent', 0.01, { createdAt: Date.UTC(2026, 10, 26, 3) }));
    expect((await costs.report()).rows[0]?.day).toBe('2026-11-25');
  });
  it('adds the interactions of one shared transaction up per row: the same rollups as one commit each', async () => {
    opened = await engine.open();
    const store = opened.store;
    const costs = new CostRollups(store);
    // Model answers first: a transaction's cheaper answers are priced at the mean its model answers make.
    const batch = [
      interaction('intelligent', 0.06),
      interaction('intelligent', 0.04, { outcome: 'error' }),
      interaction('intelligent', 0.02, { tenantId: 'globex' }),
      interaction('cache', 0),
      interaction('cache', 0),
      interaction('pattern', 0.001),
      interaction('cache', 0, { tenantId: 'globex' }),
      interaction('cache', 0, { createdAt: Date.UTC(2026, 10, 26, 1) }),
    ];
    // One shared transaction (every write handed over in one turn of the event loop).
    await Promise.all(
      batch.map((record) => store.batchWrite(async (_db, rows) => rows.add(costs.rows, record))),
    );
    const shared = await costs.report({});

    const other = await engine.open();
    try {
      const oneByOne = new CostRollups(other.store);
      for (const record of batch) await oneByOne.record(record);
      const separate = await oneByOne.report({});
      expect(shared).toEqual(separate);
    } finally {
      await other.cleanup();
    }
    expect(
      shared.rows.find((row) => row.tenantId === 'acme' && row.tier === 'cache' && row.day === '2026-11-25'),
    ).toMatchObject({ requests: 2, savingsUsd: 0.1 });
    expect(shared.rows.find((row) => row.tenantId === 'globex' && row.tier === 'cache')).toMatchObject({
      requests: 1,
      savingsUsd: 0.02,
    });
    expect(shared.rows.find((row) => row.tenantId === 'acme' && row.tier === 'intelligent')).toMatchObject({
      requests: 2,
      errors: 1,
    });
  });
});
