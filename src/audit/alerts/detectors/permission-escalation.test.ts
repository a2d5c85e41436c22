import { describe, expect, it } from 'vitest';
import { auditRecord, HOUR, MINUTE, MONDAY, testClock } from '../__fixtures__/records.js';
import { AlertEngine } from '../alert-engine.js';
import { raisesPermissions } from './permission-escalation.js';

function setup() {
  const clock = testClock();
  const engine = new AlertEngine({ alerts: ['permission_escalation'], now: clock.now });
  let minute = 0;
  const observe = (eventType: string, payload: Record<string, unknown>, actor: string | null = null) =>
    engine.observe(auditRecord({ eventType, at: MONDAY + ++minute * MINUTE, payload, actor }, clock));
  return { engine, clock, observe };
}

describe('permission_escalation: trust changes', () => {
  it('alerts when a rule raises trust, not when trust decays', async () => {
    const { observe } = setup();
    expect(
      await observe('trust-level-changed', { from: 0.3, to: 0.5, kind: 'rule', reason: 'good' }),
    ).toMatchObject([
      {
        type: 'permission_escalation',
        reason: 'trust-raised',
        severity: 'low',
        summary: 'trust of front-desk raised from 0.3 to 0.5 (rule)',
        evidence: { measurements: { from: 0.3, to: 0.5, kind: 'rule', actor: null } },
      },
    ]);
    expect(
      await observe('trust-level-changed', { from: 0.5, to: 0.4, kind: 'decay', reason: 'idle' }),
    ).toEqual([]);
    expect(
      await observe('trust-level-changed', { from: 0.4, to: 0.4, kind: 'rule', reason: 'same' }),
    ).toEqual([]);
  });

  it('alerts on a rule only when the new level allows more tools, as the trust event says', async () => {
    const { observe } = setup();
    const rule = { kind: 'rule', reason: 'good' };
    expect(
      await observe('trust-level-changed', {
        ...rule,
        from: 0.3,
        to: 0.4,
        fromBand: '0.3',
        toBand: '0.3',
        permissionsRaised: false,
        permissionsAdded: [],
      }),
    ).toEqual([]);
    expect(
      await observe('trust-level-changed', {
        ...rule,
        from: 0.4,
        to: 0.5,
        fromBand: '0.3',
        toBand: '0.5',
        permissionsRaised: true,
        permissionsAdded: ['Write', 'mcp__*'],
      }),
    ).toMatchObject([
      {
        reason: 'trust-raised',
        severity: 'low',
        summary: 'trust of front-desk raised from 0.4 to 0.5 (rule): now allows Write, mcp__*',
        evidence: { measurements: { fromBand: '0.3', toBand: '0.5', permissionsAdded: 'Write, mcp__*' } },
      },
    ]);
  });

  it('alerts on an operator change that widens permissions, high; never on one that does not', async () => {
    const { observe } = setup();
    const same = { permissionsRaised: false, permissionsAdded: [] };
    expect(
      await observe(
        'trust-level-changed',
        {
          from: 0.3,
          to: 0.9,
          kind: 'set',
          reason: 'trusted',
          fromBand: '0.3',
          toBand: '0.9',
          permissionsRaised: true,
          permissionsAdded: ['*'],
        },
        'ops@acme',
      ),
    ).toMatchObject([
      {
        reason: 'operator-override',
        severity: 'high',
        summary: 'ops@acme set the trust of front-desk from 0.3 to 0.9: now allows *',
        evidence: { measurements: { actor: 'ops@acme', kind: 'set', permissionsAdded: '*' } },
      },
    ]);
    // Lowering trust, a reset that leaves the level where it is, a move within a band, a freeze and an
    // unfreeze allow nothing new.
    const quiet: Array<Record<string, unknown>> = [
      { from: 0.9, to: 0.3, kind: 'set', fromBand: '0.9', toBand: '0.3' },
      { from: 0.9, to: 0.9, kind: 'reset', fromBand: '0.9', toBand: '0.9' },
      { from: 0.5, to: 0.6, kind: 'set', fromBand: '0.5', toBand: '0.5' },
      { from: 0.9, to: 0.9, kind: 'freeze', fromBand: '0.9', toBand: '0.9' },
      { from: 0.2, to: 0.2, kind: 'unfreeze', fromBand: '0.1', toBand: '0.1' },
    ];
    for (const change of quiet) {
      expect(await observe('trust-level-changed', { ...change, ...same, reason: 'r' }, 'ops@acme')).toEqual(
        [],
      );
    }
  });

  it('falls back to the level going up for records written before trust events carried the bands', async () => {
    const { observe } = setup();
    expect(
      await observe('trust-level-changed', { from: 0.9, to: 0.3, kind: 'set', reason: 'x' }, 'ops@acme'),
    ).toEqual([]);
    expect(
      await observe(
        'trust-level-changed',
        { from: 0.2, to: 0.2, kind: 'unfreeze', reason: 'ok' },
        'ops@acme',
      ),
    ).toEqual([]);
    // The actor may also arrive in the payload.
    expect(
      await observe('trust-level-changed', {
        from: 0.2,
        to: 0.3,
        kind: 'reset',
        reason: 'r',
        actor: 'lead@acme',
      }),
    ).toMatchObject([
      {
        reason: 'operator-override',
        severity: 'high',
        summary: 'lead@acme reset the trust of front-desk from 0.2 to 0.3',
        evidence: { measurements: { fromBand: null, toBand: null, permissionsAdded: null } },
      },
    ]);
  });
});

describe('permission_escalation: config and operator overrides', () => {
  it('alerts on a trust config change, high when it allows more', async () => {
    const { observe } = setup();
    expect(
      await observe(
        'config-changed',
        { changedKeys: ['trust', 'optimization'], configHash: 'h1' },
        'deploy-bot',
      ),
    ).toMatchObject([
      {
        reason: 'permission-config-change',
        severity: 'medium',
        evidence: { measurements: { sections: 'trust', raisesPermissions: false } },
      },
    ]);
    expect(await observe('config-changed', { changedKeys: ['optimization'], configHash: 'h2' })).toEqual([]);
    expect(
      await observe('config-changed', {
        changedKeys: [],
        toolOverrides: { 'Bash(*)': 'allow' },
        configHash: 'h3',
      }),
    ).toMatchObject([{ reason: 'permission-config-change', severity: 'high' }]);
  });

  it('alerts on a registry change of an agent’s trust section, not on its creation', async () => {
    const { observe } = setup();
    expect(
      await observe(
        'agent-config-changed',
        { version: 2, previousVersion: 1, changedKeys: ['trust'], effectiveVersion: '2' },
        'key:k1 (ops-console)',
      ),
    ).toMatchObject([
      {
        reason: 'permission-config-change',
        severity: 'medium',
        summary: 'key:k1 (ops-console) changed the trust config of front-desk: review its permissions',
      },
    ]);
    expect(
      await observe('agent-created', { version: 1, changedKeys: ['trust'], effectiveVersion: '1' }),
    ).toEqual([]);
  });

  it('alerts on an operator action that grants a tool', async () => {
    const { observe } = setup();
    expect(
      await observe('operator-action', { action: 'tool-override', override: { minLevel: 0.2 } }, 'ops@acme'),
    ).toMatchObject([
      {
        reason: 'operator-override',
        severity: 'high',
        summary: 'ops@acme granted front-desk more permissions (tool-override)',
      },
    ]);
    expect(
      await observe('operator-action', { action: 'tool-override', override: 'deny' }, 'ops@acme'),
    ).toEqual([]);
    expect(await observe('operator-action', { action: 'export' }, 'ops@acme')).toEqual([]);
  });

  it('recognises payloads that raise permissions', () => {
    expect(raisesPermissions({ permissionsRaised: true })).toBe(true);
    expect(raisesPermissions({ override: 'allow' })).toBe(true);
    expect(raisesPermissions({ toolOverrides: { WebFetch: 'deny', Bash: { minLevel: 0.5 } } })).toBe(true);
    expect(raisesPermissions({ toolOverrides: { WebFetch: 'deny' } })).toBe(false);
    expect(raisesPermissions({ override: 'deny', permissionsRaised: 'yes' })).toBe(false);
  });
});

describe('permission_escalation: repeated attempts above the level', () => {
  const denied = (toolName: string, level: number, requiredLevel?: number) => ({
    toolName,
    level,
    rule: 'level',
    ...(requiredLevel === undefined ? {} : { requiredLevel }),
  });

  it('alerts on the Nth denial above the level within the window, with every record as evidence', async () => {
    const { observe } = setup();
    for (let attempt = 0; attempt < 4; attempt++) {
      expect(await observe('tool-call-denied', denied(attempt % 2 ? 'Bash' : 'Write', 0.3, 0.7))).toEqual([]);
    }
    // Denials that are not about the level do not count.
    expect(await observe('tool-call-denied', denied('WebFetch', 0.3))).toEqual([]);
    expect(await observe('tool-call-denied', denied('Read', 0.5, 0.5))).toEqual([]);
    const alerts = await observe('tool-call-denied', denied('Bash', 0.3, 0.9));
    expect(alerts).toMatchObject([
      {
        reason: 'repeated-denials',
        severity: 'high',
        evidence: { measurements: { attempts: 5, tools: 'Write,Bash', level: 0.3, requiredLevel: 0.9 } },
        dedupKey: 'permission_escalation/repeated-denials/acme/front-desk',
      },
    ]);
    expect(alerts[0]!.evidence.seqs).toHaveLength(5);
    expect(alerts[0]!.evidence.recordIds).toHaveLength(5);
  });

  it('does not alert when the attempts are spread wider than the window, or come from several agents', async () => {
    const clock = testClock();
    const engine = new AlertEngine({ alerts: ['permission_escalation'], now: clock.now });
    const deny = (at: number, agentId = 'front-desk') =>
      engine.observe(
        auditRecord({ eventType: 'tool-call-denied', at, agentId, payload: denied('Bash', 0.3, 0.7) }, clock),
      );
    for (let attempt = 0; attempt < 10; attempt++)
      expect(await deny(MONDAY + attempt * 3 * MINUTE)).toEqual([]);
    for (const agentId of ['a', 'b', 'c', 'd', 'e']) expect(await deny(MONDAY + HOUR, agentId)).toEqual([]);
  });
});
