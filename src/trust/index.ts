/**
 * claude-steward/trust: earned autonomy. A trust level 0..1 per agent, moved by rules on measured
 * outcomes; tool permissions per level, enforced in the SDK's canUseTool and again in a PreToolUse hook.
 */
export type { PermissionContext, PermissionDecision, ToolPermissionGuard } from '../runtime/index.js';
export { type Approval, ApprovalService, type ApprovalStatus } from './approvals.js';
export {
  type ResolvedTrustConfig,
  type TrustConfig,
  type TrustMetric,
  type TrustRule,
  trustConfigSchema,
  trustPermissionsSchema,
  trustRuleSchema,
} from './config.js';
export {
  computeWindowMetrics,
  type OutcomeSample,
  outcomeKind,
  type TrustOutcomeKind,
  type WindowMetrics,
  wilsonInterval,
} from './metrics.js';
export {
  checkPermissionConfig,
  type PermissionConfigCheck,
  type PermissionConfigIssue,
} from './permission-check.js';
export { compilePermissionRule, covers } from './permission-rule.js';
export {
  createPermissionTable,
  type PermissionTable,
  type PermissionTableConfig,
  type PermissionTableDecision,
} from './permission-table.js';
export {
  applyChange,
  applyDecay,
  evaluateRules,
  initialTrustState,
  type TrustChange,
  type TrustState,
} from './policy.js';
export { type TrustPrimitive, trustPrimitive } from './primitive.js';
export { loadShellParser } from './shell-parser.js';
export { Trust, type TrustOptions, TrustRunGuard } from './trust.js';
export {
  type OperatorAction,
  type OutcomeInput,
  type TrustHistoryEntry,
  type TrustScope,
  TrustService,
  type TrustSnapshot,
} from './trust-service.js';
