/** SMS through Twilio: the signed inbound webhook, STOP / START / HELP with durable opt-outs, idempotent replies, short_responses. */
export {
  type InboundSms,
  MAX_SMS_WEBHOOK_BYTES,
  parseInboundSms,
  type SmsMedia,
  type SmsWebhookRequest,
  signedUrlOf,
  verifyTwilioSignature,
} from './inbound-sms.js';
export { type SmsKeyword, smsKeywordOf } from './keywords.js';
export { type SmsOptOut, SmsOptOutRepository, type SmsParty } from './opt-out-repository.js';
export { countSegments, isGsm7, type SegmentCount, type SmsEncoding, segmentCapacity } from './segments.js';
export {
  fitShortResponse,
  plainTextFromMarkdown,
  type ShortResponse,
  type ShortResponseOptions,
} from './short-response.js';
export { createSmsChannel, type SmsChannel, type SmsChannelOptions } from './sms-channel.js';
export {
  DEFAULT_MAX_SEGMENTS,
  type ResolvedSmsChannel,
  resolveSmsChannel,
  type SmsChannelConfig,
} from './sms-config.js';
export {
  DEFAULT_SMS_HELP_TEXT,
  handleSmsWebhook,
  type SmsWebhookConfig,
  type SmsWebhookOutcome,
  twimlResponse,
} from './sms-webhook.js';
export {
  createTwilioSmsSender,
  type SmsOutbound,
  type SmsSender,
  type SmsSendResult,
  type TwilioSenderConfig,
} from './twilio-sender.js';
