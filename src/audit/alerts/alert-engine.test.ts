import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { InvalidConfigError } from '../../errors/index.js';
import { auditConfigSchema, type ResolvedAuditConfig } from '../config.js';
import { AuditLog, type AuditRecordInput, generateCheckpointSigner } from '../log/index.js';
import { auditRecord, DAY, HOUR, MINUTE, MONDAY, testClock } from './__fixtures__/records.js';
import { AlertEngine } from './alert-engine.js';
import { alertRecordInput } from './alert-record.js';
import type { AlertEngineOptions } from './options.js';
import { type AlertType, alertTypes } from './types.js';

const raiseTrust = (at: number, agentId = 'front-desk', to = 0.5) =>
  auditRecord({ eventType: 'trust-level-changed', at, agentId, payload: { from: 0.3, to, kind: 'rule' } });

function engineWith(options: AlertEngineOptions) {
  const clock = testClock();
  return { clock, engine: new AlertEngine({ now: clock.now, ...options }) };
}

describe('AlertEngine', () => {
  it('raises the same dedupKey once per window, again after it', async () => {
    const { engine, clock } = engineWith({ alerts: ['permission_escalation'], dedupWindowMs: HOUR });
    clock.set(MONDAY);
    expect(await engine.observe(raiseTrust(MONDAY))).toHaveLength(1);
    clock.set(MONDAY + 59 * MINUTE);
    expect(await engine.observe(raiseTrust(MONDAY + 59 * MINUTE))).toEqual([]);
    // Another key (another agent, another change) is not held back.
    expect(await engine.observe(raiseTrust(MONDAY + 59 * MINUTE, 'billing'))).toHaveLength(1);
    expect(await engine.observe(raiseTrust(MONDAY + 59 * MINUTE, 'front-desk', 0.6))).toHaveLength(1);
    clock.set(MONDAY + HOUR);
    expect(await engine.observe(raiseTrust(MONDAY + HOUR))).toHaveLength(1);
  });

  it('raises only the configured alert types', async () => {
    const denial = (at: number) =>
      auditRecord({
        eventType: 'tool-call-allowed',
        at,
        payload: { toolName: `Tool${at}`, level: 0.5 },
      });
    const escalationOnly = engineWith({ alerts: ['permission_escalation'], newTool: { warmUpMs: 0 } }).engine;
    expect(await escalationOnly.observe(denial(MONDAY))).toEqual([]);
    expect(await escalationOnly.observe(raiseTrust(MONDAY))).toMatchObject([
      { type: 'permission_escalation' },
    ]);

    const activityOnly = engineWith({ alerts: ['unusual_activity'], newTool: { warmUpMs: 0 } }).engine;
    expect(await activityOnly.observe(raiseTrust(MONDAY))).toEqual([]);
    expect(await activityOnly.observe(denial(MONDAY + 1))).toMatchObject([{ type: 'unusual_activity' }]);

    const none = new AlertEngine();
    expect(await none.observe(raiseTrust(MONDAY))).toEqual([]);
    expect(none.trackedAgents).toBe(0);
  });

  it('ignores its own alert records and audit housekeeping', async () => {
    const { engine } = engineWith({ alerts: ['unusual_activity', 'permission_escalation'] });
    for (const eventType of ['audit-alert-raised', 'audit-record-decrypted', 'audit-purged']) {
      expect(
        await engine.observe(auditRecord({ eventType, at: MONDAY, payload: { toolName: 'Bash' } })),
      ).toEqual([]);
    }
    expect(engine.trackedAgents).toBe(0);
  });

  it('keeps at most maxAgents agents and maxDedupKeys keys', async () => {
    const { engine, clock } = engineWith({
      alerts: ['permission_escalation'],
      maxAgents: 2,
      maxDedupKeys: 2,
    });
    clock.set(MONDAY);
    for (const agentId of ['a', 'b', 'c', 'd']) await engine.observe(raiseTrust(MONDAY, agentId));
    expect(engine.trackedAgents).toBe(2);
    // a's dedup key was dropped (the oldest past maxDedupKeys), so within the window it alerts again.
    expect(await engine.observe(raiseTrust(MONDAY + 1, 'a'))).toHaveLength(1);
    // 'd' is still remembered.
    expect(await engine.observe(raiseTrust(MONDAY + 2, 'd'))).toEqual([]);
  });

  it('turns an alert into its audit-alert-raised record input', async () => {
    const { engine } = engineWith({ alerts: ['permission_escalation'], generateId: () => 'alert-1' });
    const [alert] = await engine.observe(raiseTrust(MONDAY));
    expect(alertRecordInput(alert!, 'standard')).toEqual({
      tenantId: 'acme',
      agentId: 'front-desk',
      eventType: 'audit-alert-raised',
      at: alert!.at,
      level: 'standard',
      payload: {
        alertId: 'alert-1',
        type: 'permission_escalation',
        reason: 'trust-raised',
        severity: 'low',
        summary: alert!.summary,
        evidence: alert!.evidence,
        dedupKey: alert!.dedupKey,
      },
    });
  });

  it('knows exactly the alert types of audit.analytics.alerts', () => {
    expectTypeOf<AlertType>().toEqualTypeOf<
      NonNullable<ResolvedAuditConfig['analytics']>['alerts'][number]
    >();
    const parsed = auditConfigSchema.parse({ analytics: { alerts: [...alertTypes] } });
    expect(new AlertEngine({ alerts: parsed.analytics!.alerts }).options.alerts).toEqual([...alertTypes]);
  });

  it('rejects unknown alert types and options with InvalidConfigError', () => {
    expect(() => new AlertEngine({ alerts: ['everything' as 'unusual_activity'] })).toThrow(
      InvalidConfigError,
    );
    expect(() => new AlertEngine({ rate: { bucketMs: 10 } })).toThrow(/rate\.bucketMs/);
    expect(() => new AlertEngine({ dedupWindow: '1h' } as AlertEngineOptions)).toThrow(/dedupWindow/);
  });
});

describe.each(storeEngines)('AlertEngine.warmUp on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  /** Two days of an agent using Read and Grep (and a denial burst long ago), through the real AuditLog. */
  async function seeded() {
    opened = await engine.open();
    const log = new AuditLog(opened.store, {
      now: () => MONDAY + 3 * DAY,
      signer: generateCheckpointSigner(),
    });
    const inputs: AuditRecordInput[] = [];
    for (let hour = 0; hour < 48; hour++) {
      for (const tenantId of ['acme', 'globex']) {
        inputs.push({
          tenantId,
          agentId: 'front-desk',
          eventType: 'tool-call-completed',
          at: MONDAY + hour * HOUR,
          level: 'standard',
          payload: { toolName: hour % 2 ? 'Read' : 'Grep', toolUseId: `t-${hour}` },
        });
      }
    }
    await log.append(inputs);
    await log.close();
    return opened.store;
  }

  it('replays recent records into baselines without raising, so known tools stay quiet', async () => {
    const store = await seeded();
    const clock = testClock(MONDAY + 2 * DAY);
    const warmed = new AlertEngine({ alerts: ['unusual_activity'], now: clock.now });
    expect(await warmed.warmUp(store, { since: MONDAY - DAY, pageSize: 10 })).toEqual({ records: 96 });
    expect(warmed.trackedAgents).toBe(2);
    const use = (target: AlertEngine, toolName: string) =>
      target.observe(
        auditRecord({ eventType: 'tool-call-allowed', at: MONDAY + 2 * DAY, payload: { toolName } }, clock),
      );
    expect(await use(warmed, 'Read')).toEqual([]);
    // Seen for two days already: past the warm-up, a new tool alerts at once.
    expect(await use(warmed, 'Bash')).toMatchObject([{ reason: 'new-tool' }]);

    // Without the replay the agent is new, so the first day alerts on nothing.
    const cold = new AlertEngine({ alerts: ['unusual_activity'], now: clock.now });
    expect(await use(cold, 'Bash')).toEqual([]);
  });

  it('replays one tenant, from `since` on, up to maxRecords', async () => {
    const store = await seeded();
    const alerts = new AlertEngine({ alerts: ['unusual_activity'] });
    expect(await alerts.warmUp(store, { since: MONDAY + DAY, tenantId: 'globex' })).toEqual({ records: 24 });
    expect(await alerts.warmUp(store, { since: 0, maxRecords: 30, pageSize: 7 })).toEqual({ records: 30 });
    expect(await new AlertEngine().warmUp(store, { since: 0 })).toEqual({ records: 0 });
  });
});
