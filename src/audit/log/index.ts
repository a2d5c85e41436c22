/** The tamper-evident audit log: hash-chained records per tenant, signed checkpoints, verification, search. */
export { AuditLog, type AuditLogOptions, auditLogOptionsSchema } from './audit-log.js';
export { canonicalJson } from './canonical-json.js';
export {
  CARRIED_SPAN_MS,
  CARRIER_PREFIX,
  carriableEventTypes,
  carriedTypes,
  carryRecords,
  closingEventTypes,
  expandRecord,
  isCarrierType,
  mayCarry,
} from './carried-events.js';
export {
  type AuditProblem,
  type AuditProblemKind,
  type VerifyRecordsOptions,
  type VerifyRecordsResult,
  verifyRecords,
} from './chain-verifier.js';
export {
  type AuditCheckpoint,
  type CheckpointReason,
  type CheckpointSigner,
  checkpointMessage,
  checkpointReasons,
  createCheckpointSigner,
  generateCheckpointSigner,
  type LoadCheckpointSignerOptions,
  loadCheckpointSigner,
  signingKeyId,
  verifyCheckpointSignature,
} from './checkpoints.js';
export { LruMap } from './lru-map.js';
export {
  type AuditSearchPage,
  type AuditSearchQuery,
  findAuditRecords,
  maxRecordsPerLookup,
  searchAuditRecords,
} from './query.js';
export {
  type AuditRecord,
  type AuditRecordInput,
  auditFieldLimits,
  GENESIS_HASH,
  hashRecord,
  type PreparedRecord,
  parseAuditRecord,
  type SerializedAuditRecord,
  serializeAuditRecord,
} from './record.js';
export {
  type AuditDatabase,
  type AuditRecordsTable,
  type AuditTables,
  auditDatabase,
  fromRecordRow,
} from './schema.js';
export {
  type ChainVerification,
  type TenantVerification,
  type VerifyChainOptions,
  verifyChain,
} from './verify.js';
