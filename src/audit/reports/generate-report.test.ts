import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { AuditLog, generateCheckpointSigner, verifyChain } from '../log/index.js';
import { periodEnd, periodStart, seedAuditLog } from './__fixtures__/seed.js';
import { generateAuditReport } from './generate-report.js';

const day = 86_400_000;

describe.each(storeEngines)('generateAuditReport on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function seeded() {
    opened = await engine.open();
    await seedAuditLog(opened.store);
    return opened.store;
  }

  it('lists registry changes (API, CLI, config file) among the configuration changes', async () => {
    opened = await engine.open();
    const store = opened.store;
    const log = new AuditLog(store, { now: () => periodStart, signer: generateCheckpointSigner() });
    const at = periodStart + 60_000;
    const base = { tenantId: 'acme', agentId: 'front-desk', level: 'standard' as const };
    await log.append({
      ...base,
      eventType: 'agent-created',
      at,
      actor: 'key:k1 (ops)',
      payload: { version: 1, changedKeys: ['trust', 'optimization'] },
    });
    await log.append({
      ...base,
      eventType: 'agent-config-changed',
      at: at + 1,
      actor: 'key:k1 (ops)',
      payload: { version: 2, previousVersion: 1, changedKeys: ['trust'] },
    });
    await log.append({
      ...base,
      tenantId: 'globex',
      eventType: 'agent-config-changed',
      at: at + 2,
      actor: 'key:k2 (other)',
      payload: { version: 2, changedKeys: ['audit'] },
    });
    await log.close();
    const report = await generateAuditReport(store, {
      standard: 'SOC2',
      tenantId: 'acme',
      from: periodStart,
      to: periodEnd,
      now: () => periodEnd + 1,
      verify: (tenantId) => verifyChain(store, { tenantId }),
    });
    expect(report.configChanges).toMatchObject({
      total: 2,
      entries: [
        { change: 'agent-created', actor: 'key:k1 (ops)', changedKeys: ['trust', 'optimization'] },
        { change: 'agent-config-changed', actor: 'key:k1 (ops)', changedKeys: ['trust'] },
      ],
    });
  });

  it('fills every section for one tenant and period (SOC 2)', async () => {
    const store = await seeded();
    const report = await generateAuditReport(store, {
      standard: 'SOC2',
      tenantId: 'acme',
      from: periodStart,
      to: periodEnd,
      now: () => periodEnd + 1,
      pageSize: 10,
      verify: (tenantId) => verifyChain(store, { tenantId }),
      retention: { policyDuration: '1y', archivedSegments: 2, legalHold: false },
    });

    expect(report).toMatchObject({
      standard: 'SOC2',
      generatedAt: periodEnd + 1,
      period: { from: periodStart, to: periodEnd },
      scope: { tenantId: 'acme', tenants: ['acme'] },
    });
    expect(report.totals.records).toBe(36);
    expect(Object.fromEntries(report.totals.byEventType.map((row) => [row.eventType, row.count]))).toEqual({
      'tool-call-denied': 14,
      'message-received': 8,
      'audit-record-decrypted': 3,
      'trust-level-changed': 3,
      'trust-approval-requested': 2,
      'audit-alert-raised': 2,
      'trust-approval-decided': 1,
      'operator-action': 1,
      'config-changed': 1,
      'audit-key-rotated': 1,
    });
    expect(report.totals.byEventType[0]).toEqual({ eventType: 'tool-call-denied', count: 14 });
    expect(report.totals.byAgent.map((agent) => [agent.agentId, agent.records])).toEqual([
      ['front-desk', 31],
      ['billing', 5],
    ]);

    expect(report.access).toMatchObject({
      label: 'PII access accounting',
      decryptedReads: 3,
      recordsDisclosed: 6,
      operatorActions: 1,
      truncated: false,
    });
    expect(report.access.byActor).toEqual([
      { actor: 'auditor@acme', decryptedReads: 2, recordsDisclosed: 4, operatorActions: 0 },
      { actor: 'dpo@acme', decryptedReads: 1, recordsDisclosed: 2, operatorActions: 0 },
      { actor: 'ops@acme', decryptedReads: 0, recordsDisclosed: 0, operatorActions: 1 },
    ]);
    expect(report.access.entries.map((entry) => [entry.actor, entry.action, entry.recordSeqs])).toEqual([
      ['auditor@acme', 'decrypted', [1, 2, 3]],
      ['auditor@acme', 'decrypted', [4]],
      ['dpo@acme', 'decrypted', [5, 6]],
      ['ops@acme', 'export', []],
    ]);

    const trust = report.permissionChanges;
    expect(trust).toMatchObject({ total: 3, raised: 2, lowered: 1, byOperator: 2, truncated: false });
    expect(trust.byKind).toEqual({ rule: 1, set: 1, freeze: 1 });
    expect(
      trust.changes.map(({ from, to, kind, actor, reason }) => ({ from, to, kind, actor, reason })),
    ).toEqual([
      { from: 0.3, to: 0.5, kind: 'rule', actor: null, reason: 'success rate 0.97' },
      // Encrypted text never reaches a report.
      { from: 0.5, to: 0.9, kind: 'set', actor: 'ops@acme', reason: '[encrypted]' },
      { from: 0.9, to: 0.2, kind: 'freeze', actor: 'ops@acme', reason: 'incident 42' },
    ]);
    expect(report.configChanges.entries).toMatchObject([
      { change: 'config-changed', actor: 'deploy-bot', changedKeys: ['trust', 'optimization'] },
    ]);

    const denied = report.deniedActions;
    expect(denied).toMatchObject({ total: 14, aboveLevel: 13, truncated: false });
    expect(
      denied.byTool.map(({ toolName, count, aboveLevel, rules }) => ({ toolName, count, aboveLevel, rules })),
    ).toEqual([
      { toolName: 'Bash', count: 13, aboveLevel: 13, rules: { level: 13 } },
      { toolName: 'WebFetch', count: 1, aboveLevel: 0, rules: { 'deny-list': 1 } },
    ]);
    expect(denied.entries).toHaveLength(14);
    // Time order across pages of 10, ties on `at` broken by seq.
    const order = denied.entries.map((entry) => [entry.at, entry.seq]);
    expect(order).toEqual([...order].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!));
    expect(new Set(denied.entries.map((entry) => entry.seq)).size).toBe(14);

    expect(report.approvals).toMatchObject({
      requested: 2,
      decided: 1,
      byStatus: { approved: 1 },
      undecided: 1,
      truncated: false,
    });
    expect(report.approvals.entries).toMatchObject([
      {
        approvalId: 'a1',
        toolName: 'Bash',
        level: 0.3,
        requiredLevel: 0.7,
        status: 'approved',
        actor: 'lead@acme',
      },
      { approvalId: 'a2', toolName: 'Write', status: null, decidedAt: null },
    ]);

    expect(report.anomalies).toMatchObject({
      total: 2,
      highSeverity: 1,
      byType: { permission_escalation: 1, unusual_activity: 1 },
      bySeverity: { high: 1, low: 1 },
    });
    expect(report.administration).toMatchObject({ keyRotations: 1, purges: 0, archives: 0 });
    expect(report.administration.entries[0]!.detail).toBe('fromKeyId=k1, toKeyId=k2');

    expect(report.integrity.status).toBe('verified');
    // Verification covers the whole chain: 36 in the period, one before and one at its end.
    expect(report.integrity.tenants).toEqual([
      { tenantId: 'acme', ok: true, records: 38, checkpointsVerified: expect.any(Number), problems: [] },
    ]);
    expect(report.retention).toMatchObject({
      status: 'reported',
      policyDuration: '1y',
      oldestLiveRecordAt: periodStart - 1,
      withinPolicy: true,
      archivedSegments: 2,
      legalHold: false,
    });

    const controls = Object.fromEntries(report.controls.map((control) => [control.id, control]));
    expect(Object.keys(controls)).toEqual(['CC6.1', 'CC6.3', 'CC7.2', 'CC7.3', 'CC8.1']);
    expect(controls['CC6.1']!.status).toBe('evidence');
    expect(controls['CC6.1']!.evidence.join(' ')).toContain(
      '3 decrypting reads disclosing 6 records by 3 actors',
    );
    expect(controls['CC6.3']!.evidence[0]).toContain(
      '3 trust level changes: 2 raised, 1 lowered, 2 by an operator',
    );
    // A high-severity alert is an incident to evaluate.
    expect(controls['CC7.3']!.status).toBe('attention');
    expect(controls['CC8.1']!.evidence[0]).toContain('1 agent configuration change');
  });

  it('filters by period and tenant, and covers every tenant without one', async () => {
    const store = await seeded();
    const globex = await generateAuditReport(store, {
      standard: 'SOC2',
      tenantId: 'globex',
      from: periodStart,
      to: periodEnd,
    });
    expect(globex.totals.records).toBe(3);
    expect(globex.deniedActions.byTool.map((tool) => tool.toolName)).toEqual(['Read']);
    expect(globex.access.decryptedReads).toBe(0);
    expect(globex.integrity.status).toBe('not-run');
    expect(globex.retention.status).toBe('not-provided');

    const all = await generateAuditReport(store, { standard: 'SOC2', from: periodStart, to: periodEnd });
    expect(all.scope).toEqual({ tenantId: null, tenants: ['acme', 'globex'] });
    expect(all.totals.records).toBe(39);
    expect(all.deniedActions.total).toBe(15);
    // Lists keep the earliest entries across tenants, not the first tenant's.
    const earliest = await generateAuditReport(store, {
      standard: 'SOC2',
      from: periodStart,
      to: periodEnd,
      listLimit: 3,
    });
    expect(
      earliest.deniedActions.entries.map((entry) => [entry.tenantId, entry.agentId, entry.toolName]),
    ).toEqual([
      ['acme', 'front-desk', 'WebFetch'],
      ['acme', 'billing', 'Bash'],
      ['globex', 'front-desk', 'Read'],
    ]);
    expect(earliest.deniedActions.truncated).toBe(true);

    // The record at the exclusive end belongs to the next period; the one before, to the last.
    const next = await generateAuditReport(store, {
      standard: 'SOC2',
      tenantId: 'acme',
      from: periodEnd,
      to: periodEnd + day,
    });
    expect(next.totals.records).toBe(1);
    expect(next.deniedActions.entries[0]).toMatchObject({ toolName: 'Bash', at: periodEnd, level: 0.1 });
    const before = await generateAuditReport(store, {
      standard: 'SOC2',
      tenantId: 'acme',
      from: periodStart - day,
      to: periodStart,
    });
    expect(before.totals.byEventType).toEqual([{ eventType: 'message-received', count: 1 }]);
  });

  it('keeps counts complete when lists are truncated', async () => {
    const store = await seeded();
    const report = await generateAuditReport(store, {
      standard: 'SOC2',
      tenantId: 'acme',
      from: periodStart,
      to: periodEnd,
      pageSize: 10,
      listLimit: 2,
    });
    expect(report.deniedActions).toMatchObject({ total: 14, truncated: true });
    expect(report.deniedActions.entries).toHaveLength(2);
    expect(report.deniedActions.byTool[0]).toMatchObject({ toolName: 'Bash', count: 13 });
    expect(report.access).toMatchObject({ decryptedReads: 3, truncated: true });
    expect(report.access.entries.map((entry) => entry.action)).toEqual(['decrypted', 'decrypted']);
    expect(report.permissionChanges).toMatchObject({ total: 3, truncated: true });
    expect(report.approvals).toMatchObject({ requested: 2, decided: 1, undecided: 1, truncated: false });
  });

  it('maps HIPAA controls and reports failed verification and retention overdue', async () => {
    const store = await seeded();
    const report = await generateAuditReport(store, {
      standard: 'HIPAA',
      tenantId: 'acme',
      from: periodStart,
      to: periodEnd,
      now: () => periodStart + 40 * day,
      verify: async () => ({
        ok: false,
        problems: [{ kind: 'hash-mismatch', seq: 7, detail: 'record 7 was altered' }],
      }),
      retention: { policyDuration: '30d', archivedSegments: 0 },
    });
    expect(report.title).toBe('HIPAA audit report');
    expect(report.access.label).toBe('PHI access accounting');
    expect(report.integrity).toEqual({
      status: 'problems',
      tenants: [
        {
          tenantId: 'acme',
          ok: false,
          records: null,
          checkpointsVerified: null,
          problems: [{ kind: 'hash-mismatch', seq: 7, detail: 'record 7 was altered' }],
        },
      ],
    });
    expect(report.retention.withinPolicy).toBe(false);
    const controls = Object.fromEntries(report.controls.map((control) => [control.id, control]));
    expect(Object.keys(controls)).toEqual([
      '§164.312(b)',
      '§164.312(c)(1)',
      '§164.308(a)(1)(ii)(D)',
      '§164.528',
    ]);
    expect(controls['§164.312(b)']!.status).toBe('attention');
    expect(controls['§164.312(c)(1)']!.status).toBe('attention');
    expect(controls['§164.312(c)(1)']!.evidence.join(' ')).toContain('hash-mismatch');
    expect(controls['§164.528']!.evidence[0]).toContain('3 decrypting reads of PHI disclosing 6 records');

    const held = await generateAuditReport(store, {
      standard: 'HIPAA',
      tenantId: 'acme',
      from: periodStart,
      to: periodEnd,
      now: () => periodStart + 40 * day,
      retention: { policyDuration: '30d', legalHold: true, legalHoldReason: 'case 7' },
    });
    expect(held.retention).toMatchObject({ withinPolicy: true, legalHold: true, legalHoldReason: 'case 7' });
    expect(held.controls.find((control) => control.id === '§164.312(c)(1)')!.status).toBe('not-assessed');
  });

  it('rejects invalid options with the path of the problem', async () => {
    const store = await seeded();
    await expect(
      generateAuditReport(store, { standard: 'SOC2', from: periodEnd, to: periodStart }),
    ).rejects.toThrow(/to: expected from must be before to/);
    await expect(
      generateAuditReport(store, { standard: 'PCI' as 'SOC2', from: periodStart, to: periodEnd }),
    ).rejects.toThrow(/standard/);
  });
});
