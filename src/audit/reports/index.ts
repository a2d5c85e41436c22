/** Compliance reports over the audit log (SOC 2, HIPAA) and their JSON, Markdown and HTML renderings. */
export { mapControls } from './controls.js';
export { type AuditReportOptions, generateAuditReport } from './generate-report.js';
export { type ReportFormat, renderReport } from './render/render-report.js';
export type {
  AccessEntry,
  AccessSection,
  AdministrationEntry,
  AdministrationSection,
  AnomaliesSection,
  AnomalyEntry,
  ApprovalEntry,
  ApprovalsSection,
  AuditReport,
  ComplianceStandard,
  ConfigChangeEntry,
  ConfigChangesSection,
  ControlEvidence,
  ControlStatus,
  DeniedActionsSection,
  DeniedByTool,
  DeniedEntry,
  IntegritySection,
  IntegrityTenant,
  PermissionChangesSection,
  RecordReference,
  RetentionSection,
  RetentionStatusLike,
  TotalsSection,
  TrustChangeEntry,
  VerifyProblemLike,
  VerifyReportLike,
} from './types.js';
