import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { CapabilityStore, type ClusterSummary } from './capability-store.js';

const cluster: ClusterSummary = {
  size: 12,
  confidence: 0.97,
  cohesion: 0.8,
  consistency: 1,
  separation: 0.97,
  training: [{ request: 'when are you open', reply: 'Nine to five.' }],
  heldOut: [{ request: 'opening hours?', reply: 'Nine to five.' }],
  nearMisses: ['where are you'],
};
const acme = { tenantId: 'acme', agentId: 'desk' };
const globex = { tenantId: 'globex', agentId: 'desk' };

describe.each(storeEngines)('CapabilityStore on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('keeps one capability per cluster and scope, moves states conditionally, counts, and never crosses tenants', async () => {
    opened = await engine.open();
    let clock = 1_780_000_000_000;
    const capabilities = new CapabilityStore(opened.store, () => clock);
    expect(
      await capabilities.insertDetected(acme, { id: 'c1', scopeKey: 's1', clusterSignature: 'k1', cluster }),
    ).toBe(true);
    expect(
      await capabilities.insertDetected(acme, { id: 'c2', scopeKey: 's1', clusterSignature: 'k1', cluster }),
    ).toBe(false);
    // Another tenant may learn the same cluster; it sees only its own.
    expect(
      await capabilities.insertDetected(globex, {
        id: 'g1',
        scopeKey: 's1',
        clusterSignature: 'k1',
        cluster,
      }),
    ).toBe(true);
    expect(await capabilities.get(globex, 'c1')).toBeUndefined();
    await expect(capabilities.require(globex, 'c1')).rejects.toMatchObject({ code: 'not-found' });
    expect(await capabilities.signatures(acme, 's1')).toEqual(new Set(['k1']));

    clock += 1000;
    expect(
      await capabilities.recordGeneration(acme, 'c1', {
        code: 'function handler() { return null }',
        prompt: 'p',
        costUsd: 0.0123,
      }),
    ).toBe(true);
    expect(await capabilities.recordGeneration(acme, 'c1', { code: 'x', prompt: 'p', costUsd: 1 })).toBe(
      false,
    );
    const report = {
      passed: true,
      coverage: 1,
      requiredCoverage: 0.9,
      abstention: 1,
      requiredAbstention: 0.995,
      heldOut: 1,
      others: 1,
      examples: [],
      falseAnswers: [],
      errors: {},
      reasons: [],
    };
    expect(await capabilities.recordValidation(acme, 'c1', report, 'pending-approval', 10)).toBe(true);
    expect(await capabilities.transition(globex, 'c1', { from: ['pending-approval'], to: 'canary' })).toBe(
      false,
    );
    expect(
      await capabilities.transition(acme, 'c1', {
        from: ['pending-approval'],
        to: 'canary',
        decidedBy: 'alice',
      }),
    ).toBe(true);
    expect(await capabilities.transition(acme, 'c1', { from: ['pending-approval'], to: 'rejected' })).toBe(
      false,
    );
    await capabilities.count(acme, 'c1', { canary_trials: 3, canary_exceptions: 1, saved_micros: 40_000 });
    await capabilities.count(globex, 'c1', { canary_trials: 100 });

    const stored = await capabilities.require(acme, 'c1');
    expect(stored).toMatchObject({
      state: 'canary',
      rollout: 10,
      generationCostUsd: 0.0123,
      decidedBy: 'alice',
      decidedAt: clock,
      canary: { trials: 3, exceptions: 1, replies: 0 },
      savedUsd: 0.04,
      cluster,
      validationReport: report,
    });
    expect(
      (await capabilities.list(acme, { states: ['canary', 'promoted'], scopeKey: 's1' })).map((c) => c.id),
    ).toEqual(['c1']);
    expect(await capabilities.list(acme, { scopeKey: 'other' })).toEqual([]);
    // The learn tier's per-request reads: its own serving capabilities, and their code, only.
    expect(await capabilities.listServing(acme, 's1')).toEqual([{ id: 'c1', state: 'canary', rollout: 10 }]);
    expect(await capabilities.listServing(globex, 's1')).toEqual([]);
    expect(await capabilities.listServing(acme, 'other')).toEqual([]);
    expect(await capabilities.codeOf(acme, 'c1')).toBe('function handler() { return null }');
    expect(await capabilities.codeOf(globex, 'c1')).toBeNull();
    expect(await capabilities.codeOf({ tenantId: 'acme', agentId: 'other-agent' }, 'c1')).toBeNull();
  });
});
