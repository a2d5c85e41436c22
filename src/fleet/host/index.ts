/** Live agents on demand: the LRU of agents built from their configs on first use, and the registry as their source. */
export { AgentHost, type AgentHostOptions, type AgentSource } from './agent-host.js';
export { applyHeapGrowth, DEFAULT_HEAP_GROWING_PERCENT, type HeapGrowth } from './heap-growth.js';
export { type RegistryAgentSource, registryAgentSource, tenantSuspended } from './registry-source.js';
