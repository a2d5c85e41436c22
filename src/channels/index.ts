/** claude-steward/channels: the channel core (routing, the durable queue, exactly-once replies), the adapter seam, and Slack. */
export type {
  ChannelAdapter,
  ChannelBinding,
  ChannelReceipt,
  ChannelRequest,
  ChannelResponse,
  Delivery,
  DeliveryContext,
  InboundDraft,
  Outbox,
  SendOnce,
} from './adapter.js';
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
export { ContactLink, type ContactLinkOptions, type StartedLink } from './contact-link.js';
export {
  CONTACTS_AGENT_ID,
  type Contact,
  type ContactAuditSink,
  type ContactPage,
  Contacts,
  type Identity,
  type IdentityKind,
  identityKinds,
  maskedIdentity,
  normalizeIdentity,
} from './contacts/index.js';
export {
  type ChannelAgent,
  ChannelCore,
  type ChannelCoreOptions,
  conversationIdOf,
  type UseAgent,
} from './core.js';
export {
  createEmailChannel,
  type EmailChannel,
  type EmailChannelOptions,
  type SmtpListener,
} from './email/index.js';
export { type InboundSmtpOptions, startInboundSmtp } from './inbound-smtp.js';
export {
  type ChannelAttachment,
  type ChannelEventScope,
  type ChannelMessage,
  type Urgency,
  urgencyPriority,
} from './message.js';
export { markdownToMrkdwn, slackMessageParts, splitText } from './slack/mrkdwn.js';
export { installLinkQuery, SlackInstaller } from './slack/oauth.js';
export { signSlackRequest, verifySlackSignature } from './slack/signature.js';
export {
  createSlackApi,
  exchangeOAuthCode,
  type SlackApi,
  type SlackInstallation,
  slackRouteKeyOfToken,
} from './slack/slack-api.js';
export { createSlackChannel, type SlackChannel, type SlackChannelOptions } from './slack/slack-channel.js';
export { type ResolvedSlackConfig, resolveSlackConfig } from './slack/slack-config.js';
export {
  countSegments,
  createSmsChannel,
  type SegmentCount,
  type SmsChannel,
  type SmsChannelOptions,
} from './sms/index.js';
export { type ChannelStats, channelStats } from './stats.js';
export { type BindInput, type BindingSummary, ChannelBindings } from './store/bindings.js';
export {
  type ChannelHandling,
  resolveChannelHandling,
  type UrgencyNotice,
} from './urgency-inbound.js';
