/**
 * claude-steward/trust: earned autonomy. This version holds the config schema and the seam
 * (a ToolPermissionGuard the runtime asks in canUseTool and in a PreToolUse hook); the policy lands with its issue.
 */

export type { PermissionContext, PermissionDecision, ToolPermissionGuard } from '../runtime/types.js';
export {
  type ResolvedTrustConfig,
  type TrustConfig,
  trustConfigSchema,
  trustPermissionsSchema,
  trustRuleSchema,
} from './config.js';
