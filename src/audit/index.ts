/** claude-steward/audit: this version holds the config schema and the sink seam. */
export { type AuditConfig, auditConfigSchema, type ResolvedAuditConfig } from './config.js';
export type { AuditSink } from './sink.js';
