/**
 * claude-steward/audit: this version holds the config schema, the sink seam, and PII detection and
 * masking (the tamper-evident log, encryption, retention and reports land with the rest of the Audit issue).
 */
export { type AuditConfig, auditConfigSchema, type ResolvedAuditConfig } from './config.js';
export {
  createInMemoryTokenVault,
  createPiiDetector,
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
  type TokenVault,
} from './pii/index.js';
export type { AuditSink } from './sink.js';
