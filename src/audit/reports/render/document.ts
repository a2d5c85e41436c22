/** The report as a neutral document (sections of facts, tables and notes) that Markdown and HTML both render. */
import type { AuditReport } from '../types.js';
import { activitySections } from './activity-sections.js';
import type { DocumentSection, ReportDocument } from './document-model.js';
import { number, orDash, time, truncatedNote, where } from './format.js';

export type { Block, DocumentSection, ReportDocument } from './document-model.js';

/**
 * Lays the report out as sections of blocks.
 *
 * @example
 * const document = reportDocument(report);
 * document.sections.map((section) => section.title);
 */
export function reportDocument(report: AuditReport): ReportDocument {
  const multi = report.scope.tenantId === null;
  const whereColumns = ['At', ...(multi ? ['Tenant'] : []), 'Agent', 'Seq'];
  const { totals, administration, integrity, retention } = report;
  const sections: DocumentSection[] = [
    {
      id: 'scope',
      title: 'Period and scope',
      blocks: [
        {
          kind: 'facts',
          rows: [
            ['Standard', report.standard],
            ['Period', `${time(report.period.from)} to ${time(report.period.to)} (end exclusive)`],
            [
              'Tenants',
              report.scope.tenantId ?? `all with records (${report.scope.tenants.join(', ') || 'none'})`,
            ],
            ['Generated', time(report.generatedAt)],
            ['Records', number(totals.records)],
          ],
        },
      ],
    },
    {
      id: 'controls',
      title: 'Control mapping',
      blocks: [
        {
          kind: 'table',
          columns: ['Control', 'Title', 'Status', 'Evidence', 'Sections'],
          rows: report.controls.map((control) => [
            control.id,
            control.title,
            control.status,
            control.evidence.join(' '),
            control.sections.join(', '),
          ]),
          empty: 'No controls.',
        },
      ],
    },
    {
      id: 'totals',
      title: 'Totals',
      blocks: [
        {
          kind: 'table',
          title: 'By event type',
          columns: ['Event type', 'Records'],
          rows: totals.byEventType.map((row) => [row.eventType, number(row.count)]),
          empty: 'No records in the period.',
        },
        {
          kind: 'table',
          title: 'By agent',
          columns: [...(multi ? ['Tenant'] : []), 'Agent', 'Records'],
          rows: totals.byAgent.map((agent) => [
            ...(multi ? [agent.tenantId] : []),
            agent.agentId,
            number(agent.records),
          ]),
          empty: 'No agents.',
        },
      ],
    },
    ...activitySections(report, { multi, whereColumns }),
    {
      id: 'integrity',
      title: 'Integrity verification',
      blocks: [
        {
          kind: 'facts',
          rows: [['Result', integrity.status]],
        },
        {
          kind: 'table',
          columns: ['Tenant', 'OK', 'Records', 'Checkpoints verified', 'Problems'],
          rows: integrity.tenants.map((tenant) => [
            tenant.tenantId,
            tenant.ok ? 'yes' : 'NO',
            number(tenant.records),
            number(tenant.checkpointsVerified),
            tenant.problems.map((problem) => `${problem.kind}: ${problem.detail}`).join('; ') || '—',
          ]),
          empty: integrity.status === 'not-run' ? 'Verification was not run for this report.' : 'No tenants.',
        },
        { kind: 'note', text: 'Verification covers each tenant’s whole chain, not only the period.' },
      ],
    },
    {
      id: 'retention',
      title: 'Retention',
      blocks: [
        {
          kind: 'facts',
          rows:
            retention.status === 'not-provided'
              ? [['Status', 'not provided']]
              : [
                  ['Policy', orDash(retention.policyDuration)],
                  ['Oldest live record', time(retention.oldestLiveRecordAt)],
                  ['Within policy', retention.withinPolicy ? 'yes' : 'NO'],
                  ['Archived segments', number(retention.archivedSegments)],
                  [
                    'Legal hold',
                    retention.legalHold
                      ? `on${retention.legalHoldReason ? ` (${retention.legalHoldReason})` : ''}`
                      : 'off',
                  ],
                ],
        },
        {
          kind: 'table',
          title: 'Purges, archive runs and key rotations',
          columns: [...whereColumns, 'Event', 'Actor', 'Detail'],
          rows: administration.entries.map((entry) => [
            ...where(entry, multi),
            entry.eventType,
            orDash(entry.actor),
            entry.detail,
          ]),
          empty: 'No purges, archive runs or key rotations in the period.',
        },
        ...truncatedNote(
          administration.entries.length,
          administration.purges + administration.archives + administration.keyRotations,
          administration.truncated,
        ),
      ],
    },
  ];
  const scope = report.scope.tenantId ? `tenant ${report.scope.tenantId}` : 'all tenants';
  return {
    title: report.title,
    subtitle: `${scope}, ${time(report.period.from)} to ${time(report.period.to)}`,
    sections,
  };
}
