/** The Claude Agent SDK runtime. */
export { ClaudeAgentSdkRuntime } from './claude-sdk-runtime.js';
export { type McpToolDefinition, mcpToolName } from './mcp-tools.js';
export { type ClaudeAgentSdkRuntimeOptions, runtimeEnvironmentDefaults } from './runtime-options.js';
export { createSessionStoreAdapter, sessionProjectKey } from './session-store-adapter.js';
export { prepareWorkspace } from './workspaces.js';
