/** The sections on what people and agents did: access, permission changes, denials, approvals, anomalies. */
import type { AuditReport } from '../types.js';
import type { DocumentSection } from './document-model.js';
import { countsText, number, orDash, time, truncatedNote, where } from './format.js';

/** How entries are located: with a Tenant column when the report covers every tenant. */
export interface EntryLayout {
  multi: boolean;
  whereColumns: string[];
}

/**
 * @example
 * const sections = activitySections(report, { multi: false, whereColumns: ['At', 'Agent', 'Seq'] });
 */
export function activitySections(report: AuditReport, layout: EntryLayout): DocumentSection[] {
  const { multi, whereColumns } = layout;
  const { access, permissionChanges, configChanges, deniedActions, approvals, anomalies } = report;
  return [
    {
      id: 'access',
      title: access.label,
      blocks: [
        {
          kind: 'facts',
          rows: [
            ['Decrypting reads', number(access.decryptedReads)],
            ['Records disclosed', number(access.recordsDisclosed)],
            ['Operator actions', number(access.operatorActions)],
          ],
        },
        {
          kind: 'table',
          title: 'By actor',
          columns: ['Actor', 'Decrypting reads', 'Records disclosed', 'Operator actions'],
          rows: access.byActor.map((actor) => [
            actor.actor,
            number(actor.decryptedReads),
            number(actor.recordsDisclosed),
            number(actor.operatorActions),
          ]),
          empty: 'Nobody accessed protected data in the period.',
        },
        {
          kind: 'table',
          title: 'Accesses',
          columns: [...whereColumns, 'Actor', 'Action', 'Records', 'Record seqs'],
          rows: access.entries.map((entry) => [
            ...where(entry, multi),
            entry.actor,
            entry.action,
            number(entry.recordCount),
            entry.recordSeqs.join(', ') || '—',
          ]),
          empty: 'No accesses.',
        },
        ...truncatedNote(
          access.entries.length,
          access.decryptedReads + access.operatorActions,
          access.truncated,
        ),
      ],
    },
    {
      id: 'permissionChanges',
      title: 'Permission and trust changes',
      blocks: [
        {
          kind: 'facts',
          rows: [
            ['Changes', number(permissionChanges.total)],
            ['Raised', number(permissionChanges.raised)],
            ['Lowered', number(permissionChanges.lowered)],
            ['By an operator', number(permissionChanges.byOperator)],
            ['By kind', countsText(permissionChanges.byKind)],
          ],
        },
        {
          kind: 'table',
          title: 'Trust level changes',
          columns: [...whereColumns, 'From', 'To', 'Kind', 'Actor', 'Reason'],
          rows: permissionChanges.changes.map((change) => [
            ...where(change, multi),
            number(change.from),
            number(change.to),
            change.kind,
            orDash(change.actor),
            orDash(change.reason),
          ]),
          empty: 'No trust level changes.',
        },
        ...truncatedNote(
          permissionChanges.changes.length,
          permissionChanges.total,
          permissionChanges.truncated,
        ),
        {
          kind: 'table',
          title: 'Configuration changes',
          columns: [...whereColumns, 'Change', 'Actor', 'Sections changed'],
          rows: configChanges.entries.map((entry) => [
            ...where(entry, multi),
            entry.change,
            orDash(entry.actor),
            entry.changedKeys.join(', ') || '—',
          ]),
          empty: 'No configuration changes.',
        },
        ...truncatedNote(configChanges.entries.length, configChanges.total, configChanges.truncated),
      ],
    },
    {
      id: 'deniedActions',
      title: 'Denied actions',
      blocks: [
        {
          kind: 'facts',
          rows: [
            ['Denied tool calls', number(deniedActions.total)],
            ['Above the trust level', number(deniedActions.aboveLevel)],
          ],
        },
        {
          kind: 'table',
          title: 'By tool',
          columns: ['Tool', 'Denied', 'Above level', 'Rules', 'First', 'Last'],
          rows: deniedActions.byTool.map((tool) => [
            tool.toolName,
            number(tool.count),
            number(tool.aboveLevel),
            countsText(tool.rules),
            time(tool.firstAt),
            time(tool.lastAt),
          ]),
          empty: 'No denied tool calls.',
        },
        {
          kind: 'table',
          title: 'Denials',
          columns: [...whereColumns, 'Tool', 'Level', 'Required', 'Rule', 'Pattern'],
          rows: deniedActions.entries.map((entry) => [
            ...where(entry, multi),
            entry.toolName,
            number(entry.level),
            number(entry.requiredLevel),
            orDash(entry.rule),
            orDash(entry.matchedPattern),
          ]),
          empty: 'No denied tool calls.',
        },
        ...truncatedNote(deniedActions.entries.length, deniedActions.total, deniedActions.truncated),
      ],
    },
    {
      id: 'approvals',
      title: 'Approvals',
      blocks: [
        {
          kind: 'facts',
          rows: [
            ['Requested', number(approvals.requested)],
            ['Decided', number(approvals.decided)],
            ['By status', countsText(approvals.byStatus)],
            [
              'Undecided',
              approvals.undecided === null ? 'unknown (list truncated)' : number(approvals.undecided),
            ],
          ],
        },
        {
          kind: 'table',
          columns: [
            ...(multi ? ['Tenant'] : []),
            'Agent',
            'Approval',
            'Tool',
            'Requested',
            'Level',
            'Required',
            'Decided',
            'Status',
            'Actor',
          ],
          rows: approvals.entries.map((entry) => [
            ...(multi ? [entry.tenantId] : []),
            entry.agentId,
            entry.approvalId,
            orDash(entry.toolName),
            time(entry.requestedAt),
            number(entry.level),
            number(entry.requiredLevel),
            time(entry.decidedAt),
            orDash(entry.status),
            orDash(entry.actor),
          ]),
          empty: 'No approvals.',
        },
        ...truncatedNote(approvals.entries.length, approvals.requested, approvals.truncated),
      ],
    },
    {
      id: 'anomalies',
      title: 'Anomalies',
      blocks: [
        {
          kind: 'facts',
          rows: [
            ['Alerts', number(anomalies.total)],
            ['By type', countsText(anomalies.byType)],
            ['By severity', countsText(anomalies.bySeverity)],
          ],
        },
        {
          kind: 'table',
          title: 'Alerts',
          columns: [...whereColumns, 'Type', 'Reason', 'Severity', 'Summary'],
          rows: anomalies.entries.map((entry) => [
            ...where(entry, multi),
            entry.type,
            entry.reason,
            entry.severity,
            entry.summary,
          ]),
          empty: 'No alerts were raised.',
        },
        ...truncatedNote(anomalies.entries.length, anomalies.total, anomalies.truncated),
      ],
    },
  ];
}
