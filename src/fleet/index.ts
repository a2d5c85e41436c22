/**
 * claude-steward/fleet: many tenants on one platform. The registry keeps tenants, their agents' configs
 * and the platform's templates as versioned data, records every change, and resolves the effective config
 * a server runs an agent with. An agent config that `extends` a template is a JSON Merge Patch over it
 * (objects merge deeply, arrays and scalars replace, null removes a key): registry/merge.ts, docs/fleet.md.
 */
export { type AppliedAgent, type ApplyResult, applyConfigFile } from './apply-config-file.js';
export {
  type ConversationScope,
  ConversationTokens,
  conversationTokenPurpose,
  customerOfFeedback,
  customerOfMessage,
  type MessageCaller,
  type MessageCustomer,
  senderCustomer,
} from './conversations/index.js';
export {
  AgentHost,
  type AgentHostOptions,
  type AgentSource,
  applyHeapGrowth,
  DEFAULT_HEAP_GROWING_PERCENT,
  type HeapGrowth,
  type RegistryAgentSource,
  registryAgentSource,
  tenantSuspended,
} from './host/index.js';
export {
  type Action,
  type AdminToken,
  type ApiKeyInfo,
  ApiKeyService,
  type ApiKeyServiceOptions,
  Authenticator,
  type AuthenticatorOptions,
  type AuthorizeRequest,
  actions,
  adminTokensFromEnv,
  authorize,
  type Caller,
  type CreatedKey,
  createPlatformAuditSink,
  type EnvAdminTokens,
  type EpochWatch,
  epochWatch,
  hashSecret,
  inScope,
  isLoopbackHost,
  issueToken,
  KEYS_AGENT_ID,
  type KeyAuditSink,
  type KeyCheck,
  type KeyRequest,
  type KeyStatus,
  keyNotFound,
  keyRequestSchema,
  localAdmin,
  minAdminTokenLength,
  type ParsedToken,
  type PermissionPolicy,
  type PlatformAuditSink,
  type Propagation,
  parseToken,
  permissionTable,
  platformActions,
  type RevokedKey,
  type Role,
  roleAllows,
  roles,
  type TenantScope,
  tenantNotFound,
  visibleTenants,
} from './keys/index.js';
export { type RateDecision, TenantRateLimiter, type TenantRateLimiterOptions } from './rate-limit/index.js';
export {
  type AgentEntry,
  type AgentStatus,
  type AgentWriteResult,
  agentStatuses,
} from './registry/agents.js';
export {
  auditChangeSink,
  discardChanges,
  type RegistryChange,
  type RegistryChangeSink,
  type RegistryEventType,
} from './registry/changes.js';
export { hideChannelSecrets, sealedSecretMarker } from './registry/channel-secrets.js';
export { PLATFORM_TENANT_ID, REGISTRY_AGENT_ID, RESERVED_ID_PREFIX } from './registry/ids.js';
export type { JsonObject, JsonValue } from './registry/json-config.js';
export { mergeConfig } from './registry/merge.js';
export { type EffectiveAgentConfig, Registry, type RegistryOptions } from './registry/registry.js';
export type { Template, TemplateWriteResult } from './registry/templates.js';
export {
  type ListOptions,
  type NewTenant,
  type Page,
  type Tenant,
  type TenantLimits,
  type TenantPatch,
  type TenantStatus,
  tenantLimitsSchema,
  tenantStatuses,
  type WriteOptions,
} from './registry/tenants.js';
