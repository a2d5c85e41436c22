/** The control mapping of each standard: for every control, what evidence the report holds and its status. */
import type { AuditReport, ComplianceStandard, ControlEvidence, ControlStatus } from './types.js';

type ReportBody = Omit<AuditReport, 'controls'>;

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

function integrityEvidence(report: ReportBody): { status: ControlStatus; evidence: string[] } {
  const { integrity } = report;
  if (integrity.status === 'not-run') {
    return {
      status: 'not-assessed',
      evidence: ['Chain verification was not run for this report (pass `verify` to generateAuditReport).'],
    };
  }
  const records = integrity.tenants.reduce((sum, tenant) => sum + (tenant.records ?? 0), 0);
  const checkpoints = integrity.tenants.reduce((sum, tenant) => sum + (tenant.checkpointsVerified ?? 0), 0);
  const failed = integrity.tenants.filter((tenant) => !tenant.ok);
  const evidence = [
    `Hash chains of ${plural(integrity.tenants.length, 'tenant')} verified: ${plural(records, 'record')} read, ${plural(checkpoints, 'signed checkpoint')} matched.`,
  ];
  if (failed.length > 0) {
    evidence.push(
      `Integrity problems in ${failed.map((tenant) => tenant.tenantId).join(', ')}: ${failed
        .flatMap((tenant) => tenant.problems.map((problem) => problem.kind))
        .join(', ')}.`,
    );
  }
  return { status: failed.length > 0 ? 'attention' : 'evidence', evidence };
}

function retentionEvidence(report: ReportBody): string {
  const { retention } = report;
  if (retention.status === 'not-provided') return 'Retention status was not provided to the report.';
  const oldest =
    retention.oldestLiveRecordAt === null ? 'none' : new Date(retention.oldestLiveRecordAt).toISOString();
  return `Retention policy ${retention.policyDuration}; oldest live record ${oldest}; ${plural(retention.archivedSegments ?? 0, 'archived segment')}; legal hold ${retention.legalHold ? 'on' : 'off'}.`;
}

function control(
  id: string,
  title: string,
  sections: string[],
  evidence: string[],
  activity: number,
  attention = false,
): ControlEvidence {
  const status: ControlStatus = attention ? 'attention' : activity > 0 ? 'evidence' : 'no-activity';
  return { id, title, status, evidence, sections };
}

function soc2(report: ReportBody): ControlEvidence[] {
  const { access, deniedActions, approvals, permissionChanges, anomalies, configChanges, administration } =
    report;
  const integrity = integrityEvidence(report);
  const incidents = anomalies.highSeverity + (integrity.status === 'attention' ? 1 : 0);
  return [
    control(
      'CC6.1',
      'Logical access security',
      ['access', 'deniedActions', 'approvals'],
      [
        `${plural(access.decryptedReads, 'decrypting read')} disclosing ${plural(access.recordsDisclosed, 'record')} by ${plural(access.byActor.length, 'actor')}; ${plural(access.operatorActions, 'operator action')}.`,
        `${plural(deniedActions.total, 'tool call')} denied by the permission table (${deniedActions.aboveLevel.toLocaleString('en-US')} above the agent's trust level).`,
        `${plural(approvals.requested, 'approval')} requested, ${approvals.decided.toLocaleString('en-US')} decided.`,
      ],
      access.decryptedReads + access.operatorActions + deniedActions.total + approvals.requested,
    ),
    control(
      'CC6.3',
      'Permission changes (grant, modify, revoke)',
      ['permissionChanges', 'approvals'],
      [
        `${plural(permissionChanges.total, 'trust level change')}: ${permissionChanges.raised.toLocaleString('en-US')} raised, ${permissionChanges.lowered.toLocaleString('en-US')} lowered, ${permissionChanges.byOperator.toLocaleString('en-US')} by an operator, each with from, to, kind, actor and reason.`,
      ],
      permissionChanges.total,
    ),
    control(
      'CC7.2',
      'Monitoring for anomalies',
      ['anomalies', 'deniedActions', 'integrity'],
      [
        `${plural(anomalies.total, 'alert')} raised by the alert engine (${Object.entries(anomalies.byType)
          .map(([type, count]) => `${type}: ${count}`)
          .join(', ')}).`,
        ...integrity.evidence,
      ],
      anomalies.total + deniedActions.total + (integrity.status === 'not-assessed' ? 0 : 1),
    ),
    control(
      'CC7.3',
      'Evaluation of security events (incidents)',
      ['anomalies', 'integrity'],
      [
        `${plural(anomalies.highSeverity, 'high-severity alert')} to evaluate as possible incidents.`,
        integrity.status === 'attention'
          ? 'Integrity problems in the audit log must be evaluated as an incident.'
          : 'No integrity problem was reported.',
      ],
      incidents,
      incidents > 0,
    ),
    control(
      'CC8.1',
      'Change management',
      ['configChanges', 'administration'],
      [
        `${plural(configChanges.total, 'agent configuration change')}, each with its actor and the sections changed.`,
        `${plural(administration.keyRotations, 'audit key rotation')}, ${plural(administration.purges, 'purge')}, ${plural(administration.archives, 'archive run')}.`,
      ],
      configChanges.total + administration.keyRotations,
    ),
  ];
}

function hipaa(report: ReportBody): ControlEvidence[] {
  const { totals, access, anomalies, deniedActions, permissionChanges, retention } = report;
  const integrity = integrityEvidence(report);
  const retentionAttention = retention.withinPolicy === false;
  return [
    control(
      '§164.312(b)',
      'Audit controls',
      ['totals', 'retention'],
      [
        `${plural(totals.records, 'audit record')} of ${plural(totals.byEventType.length, 'event type')} from ${plural(totals.byAgent.length, 'agent')} in the period.`,
        retentionEvidence(report),
      ],
      totals.records,
      retentionAttention,
    ),
    {
      id: '§164.312(c)(1)',
      title: 'Integrity',
      status: integrity.status,
      evidence: integrity.evidence,
      sections: ['integrity'],
    },
    control(
      '§164.308(a)(1)(ii)(D)',
      'Information system activity review',
      ['anomalies', 'deniedActions', 'permissionChanges'],
      [
        `${plural(anomalies.total, 'alert')} (${anomalies.highSeverity.toLocaleString('en-US')} high severity), ${plural(deniedActions.total, 'denied tool call')}, ${plural(permissionChanges.total, 'trust level change')} reviewed.`,
      ],
      anomalies.total + deniedActions.total + permissionChanges.total,
    ),
    control(
      '§164.528',
      'Accounting of disclosures',
      ['access'],
      [
        `${plural(access.decryptedReads, 'decrypting read')} of PHI disclosing ${plural(access.recordsDisclosed, 'record')}, each with who read, when and which records; ${plural(access.operatorActions, 'operator action')}.`,
      ],
      access.decryptedReads + access.operatorActions,
    ),
  ];
}

/**
 * The controls of `standard` with the evidence this report holds for each.
 *
 * @example
 * const controls = mapControls('SOC2', reportWithoutControls);
 * controls.find((control) => control.id === 'CC6.3')?.evidence;
 */
export function mapControls(standard: ComplianceStandard, report: ReportBody): ControlEvidence[] {
  return standard === 'HIPAA' ? hipaa(report) : soc2(report);
}
