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

  it('alerts on operator overrides: high when they raise trust, medium otherwise; a freeze is not one', async () => {
    const { observe } = setup();
    expect(
      await observe(
        'trust-level-changed',
        { from: 0.3, to: 0.9, kind: 'set', reason: 'trusted' },
        'ops@acme',
      ),
    ).toMatchObject([
      {
        reason: 'operator-override',
        severity: 'high',
        summary: 'ops@acme set the trust of front-desk from 0.3 to 0.9',
        evidence: { measurements: { actor: 'ops@acme', kind: 'set' } },
      },
    ]);
    expect(
      await observe('trust-level-changed', { from: 0.9, to: 0, kind: 'freeze', reason: 'x' }, 'ops@acme'),
    ).toEqual([]);
    expect(
      await observe(
        'trust-level-changed',
        { from: 0.2, to: 0.2, kind: 'unfreeze', reason: 'ok' },
        'ops@acme',
      ),
    ).toMatchObject([{ reason: 'operator-override', severity: 'medium' }]);
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
      { reason: 'operator-override', severity: 'high', summary: expect.stringContaining('lead@acme reset') },
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
