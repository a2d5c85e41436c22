/**
 * claude-steward/audit: a tamper-evident record of every agent action. The Audit primitive (attached
 * by ClaudeAgent), the hash-chained log with signed checkpoints and verification, PII detection and
 * masking before storage, field encryption, retention with archives and legal holds.
 */

// PII detection and masking live in claude-steward/privacy; re-exported here for audit users.
export {
  createInMemoryTokenVault,
  createPiiDetector,
  createRedactor,
  detectPii,
  keyedHash,
  type MaskingKeys,
  type MaskPolicy,
  type MaskStrategy,
  maskText,
  maskValue,
  type PiiDetector,
  type PiiDetectorOptions,
  type PiiFinding,
  type PiiType,
  piiTypes,
  type Redactor,
  type TokenVault,
} from '../privacy/index.js';
export {
  type Alert,
  AlertEngine,
  type AlertEngineOptions,
  type AlertSink,
  type AlertType,
  createChannelAlertSink,
  createLogAlertSink,
  createWebhookAlertSink,
  deliverAlert,
  verifyAlertSignature,
} from './alerts/index.js';
export {
  type ArchiveStore,
  type ArchiveStoreOptions,
  createArchiveStore,
  createFileArchiveStore,
  createS3ArchiveStore,
  type SegmentManifest,
  type SegmentVerification,
} from './archive/index.js';
export { Audit, type AuditOptions } from './audit.js';
export { type AuditConfig, auditConfigSchema, type ResolvedAuditConfig } from './config.js';
export {
  createEnvKeyProvider,
  createFieldCipher,
  DecryptionFailedError,
  type EnvKeyProvider,
  type FieldCipher,
  type KeyProvider,
} from './crypto/index.js';
export { type AuditLevel, auditRecordFor, sensitivePaths } from './event-records.js';
export {
  type AuditCheckpoint,
  AuditLog,
  type AuditLogOptions,
  type AuditProblem,
  type AuditRecord,
  type AuditRecordInput,
  type AuditSearchPage,
  type AuditSearchQuery,
  auditDatabase,
  auditFieldLimits,
  CARRIER_PREFIX,
  type ChainVerification,
  canonicalJson,
  createCheckpointSigner,
  expandRecord,
  findAuditRecords,
  generateCheckpointSigner,
  maxRecordsPerLookup,
  searchAuditRecords,
  verifyChain,
  verifyRecords,
} from './log/index.js';
export { redactorForAudit } from './masking-policy.js';
export { type AuditedAgentConfig, type AuditPrimitive, auditPrimitive } from './primitive.js';
export {
  type AuditReport,
  type AuditReportOptions,
  type ComplianceStandard,
  generateAuditReport,
  type ReportFormat,
  renderReport,
} from './reports/index.js';
export {
  type ArchiveVerification,
  AUDIT_AGENT_ID,
  AuditRetention,
  type RetentionOptions,
  type RetentionStatus,
  type TenantRetentionResult,
  verifyArchives,
} from './retention.js';
