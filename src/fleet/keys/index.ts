/** API keys, roles and tenant scope: who may call the API, on which tenants, and how that is checked fast. */
export { createPlatformAuditSink, type PlatformAuditSink } from './audit-sink.js';
export {
  type AdminToken,
  Authenticator,
  type AuthenticatorOptions,
  adminTokensFromEnv,
  type EnvAdminTokens,
  isLoopbackHost,
  localAdmin,
  minAdminTokenLength,
} from './authenticator.js';
export type { Propagation } from './change-feed.js';
export { type EpochWatch, epochWatch } from './epoch-watch.js';
export {
  type ApiKeyInfo,
  ApiKeyService,
  type ApiKeyServiceOptions,
  type CreatedKey,
  KEYS_AGENT_ID,
  type KeyAuditSink,
  type KeyCheck,
  type KeyRequest,
  type KeyStatus,
  keyNotFound,
  keyRequestSchema,
  PLATFORM_TENANT_ID,
  type RevokedKey,
} from './key-service.js';
export {
  type Action,
  type AuthorizeRequest,
  actions,
  authorize,
  type Caller,
  inScope,
  type PermissionPolicy,
  permissionTable,
  platformActions,
  type Role,
  roleAllows,
  roles,
  type TenantScope,
  tenantNotFound,
  visibleTenants,
} from './permissions.js';
export { hashSecret, issueToken, type ParsedToken, parseToken } from './token.js';
