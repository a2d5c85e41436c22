/** A small, known audit log for report tests: two tenants, every section's event types, records outside the period. */

import type { StewardStore } from '../../../store/index.js';
import { AuditLog, type AuditRecordInput, generateCheckpointSigner } from '../../log/index.js';

/** The report period: one day from `periodStart`. */
export const periodStart = Date.parse('2026-06-01T00:00:00Z');
export const periodEnd = periodStart + 86_400_000;

/** Appends the fixture log through the real AuditLog (valid chains, signed checkpoints). */
export async function seedAuditLog(store: StewardStore): Promise<void> {
  let clock = periodStart;
  const log = new AuditLog(store, { now: () => clock, signer: generateCheckpointSigner() });
  const inputs: AuditRecordInput[] = [];
  let minute = 0;
  const add = (
    eventType: string,
    payload: Record<string, unknown>,
    overrides: Partial<AuditRecordInput> = {},
  ) => {
    inputs.push({
      tenantId: 'acme',
      agentId: 'front-desk',
      eventType,
      at: periodStart + 60_000 * ++minute,
      level: 'standard',
      payload,
      ...overrides,
    });
  };

  // Outside the period, before it and at its exclusive end.
  add('message-received', { text: 'too early' }, { at: periodStart - 1 });
  for (let index = 0; index < 5; index++) add('message-received', { text: `hello ${index}` });
  for (let index = 0; index < 3; index++) add('message-received', { text: 'bill' }, { agentId: 'billing' });
  // Twelve Bash denials above the level, two per `at` (ties exercise the keyset's seq tie-break).
  for (let index = 0; index < 12; index++) {
    add(
      'tool-call-denied',
      { toolName: 'Bash', level: 0.3, requiredLevel: 0.7, rule: 'level', matchedPattern: 'Bash(*)' },
      { at: periodStart + 3_600_000 + Math.floor(index / 2) * 1_000 },
    );
  }
  add('tool-call-denied', { toolName: 'WebFetch', level: 0.5, rule: 'deny-list', message: 'denied' });
  add(
    'tool-call-denied',
    { toolName: 'Bash', level: 0.3, requiredLevel: 0.5, rule: 'level' },
    { agentId: 'billing' },
  );
  add('trust-level-changed', { from: 0.3, to: 0.5, kind: 'rule', reason: 'success rate 0.97' });
  add(
    'trust-level-changed',
    { from: 0.5, to: 0.9, kind: 'set', reason: 'enc:v1:AAAA' },
    { actor: 'ops@acme' },
  );
  add(
    'trust-level-changed',
    { from: 0.9, to: 0.2, kind: 'freeze', reason: 'incident 42' },
    { actor: 'ops@acme' },
  );
  add('trust-approval-requested', { approvalId: 'a1', toolName: 'Bash', level: 0.3, requiredLevel: 0.7 });
  add('trust-approval-requested', { approvalId: 'a2', toolName: 'Write', level: 0.3, requiredLevel: 0.5 });
  add(
    'trust-approval-decided',
    { approvalId: 'a1', toolName: 'Bash', status: 'approved' },
    { actor: 'lead@acme' },
  );
  add(
    'audit-record-decrypted',
    { recordIds: ['r1', 'r2', 'r3'], seqs: [1, 2, 3] },
    { actor: 'auditor@acme' },
  );
  add('audit-record-decrypted', { recordIds: ['r4'], seqs: [4] }, { actor: 'auditor@acme' });
  add(
    'audit-record-decrypted',
    { recordIds: ['r5', 'r6'], seqs: [5, 6] },
    { actor: 'dpo@acme', agentId: 'billing' },
  );
  add('operator-action', { action: 'export' }, { actor: 'ops@acme' });
  add('audit-alert-raised', {
    type: 'permission_escalation',
    reason: 'operator-override',
    severity: 'high',
    summary: '<script>alert(1)</script> | trust set to 0.9',
  });
  add('audit-alert-raised', {
    type: 'unusual_activity',
    reason: 'new-tool',
    severity: 'low',
    summary: 'first Grep',
  });
  add('config-changed', { changedKeys: ['trust', 'optimization'], configHash: 'x' }, { actor: 'deploy-bot' });
  add('audit-key-rotated', { fromKeyId: 'k1', toKeyId: 'k2' }, { actor: 'ops@acme' });
  add(
    'tool-call-denied',
    { toolName: 'Bash', level: 0.1, requiredLevel: 0.7, rule: 'level' },
    { at: periodEnd },
  );

  add('message-received', { text: 'hi' }, { tenantId: 'globex' });
  add('message-received', { text: 'hi again' }, { tenantId: 'globex' });
  add(
    'tool-call-denied',
    { toolName: 'Read', level: 0.2, requiredLevel: 0.3, rule: 'level' },
    { tenantId: 'globex' },
  );

  inputs.sort((a, b) => a.at - b.at);
  for (const input of inputs) {
    clock = input.at;
    await log.append(input);
  }
  await log.close();
}
