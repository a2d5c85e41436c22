/** claude-steward/channels: this version holds the config schemas and the adapter seam; the web chat channel is the server's POST /api/agents/:agentId/messages. */
export type { ChannelAdapter, ChannelRequest } from './adapter.js';
export {
  type ChannelConfig,
  channelConfigSchema,
  emailChannelSchema,
  type MessageHandlingConfig,
  messageHandlingConfigSchema,
  type ResolvedMessageHandlingConfig,
  slackChannelSchema,
  smsChannelSchema,
} from './config.js';
