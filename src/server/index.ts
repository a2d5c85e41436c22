/** The HTTP server of `steward serve`: the app, its metrics, and a graceful Node listener. */
export {
  type AgentDirectory,
  fixedAgentDirectory,
  type HostAgentDirectoryOptions,
  hostAgentDirectory,
  type TenantState,
} from './agent-directory.js';
export { type AppOptions, createApp, defaultMessagesPerMinute, type StewardApp } from './app.js';
export { decryptAuditRecords } from './audit-routes.js';
export {
  type AuthVariables,
  actorOf,
  authenticate,
  callerActor,
  callerOf,
  onBehalfOfHeader,
  requireAction,
} from './auth.js';
export { storeAuditSink as contactAuditOf } from './contact-routes.js';
export { type KeyRoutesOptions, registerKeyRoutes } from './keys-routes.js';
export type { AppLifecycle } from './lifecycle.js';
export { createMetrics, type MetricsOptions, type StewardMetrics } from './metrics.js';
export {
  type RouteScope,
  type RouteTable,
  requireScopedAction,
  type ScopeKind,
  scopeOf,
} from './route-scope.js';
export { type RunningServer, type StartServerOptions, startServer } from './serve.js';
