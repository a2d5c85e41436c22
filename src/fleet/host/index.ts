/** Live agents on demand: the LRU of agents built from their configs on first use. */
export { AgentHost, type AgentHostOptions, type AgentSource } from './agent-host.js';
