/** Email: the inbound SMTP listener and Mailgun webhook, parsing to `InboundEmail` (reply text, thread key, attachments within limits), and outbound mail. */
export {
  createEmailChannel,
  type EmailChannel,
  type EmailChannelOptions,
  emailDraftOf,
} from './email-channel.js';
export { type EmailChannelConfig, type ResolvedEmailChannel, resolveEmailChannel } from './email-config.js';
export {
  createEmailSender,
  type EmailSender,
  type EmailSenderConfig,
  messageIdFor,
  type OutboundEmail,
  type SmtpConfig,
} from './email-sender.js';
export {
  type AttachmentLimits,
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DEFAULT_MAX_ATTACHMENTS,
  type EmailAddress,
  type EmailAttachment,
  type InboundEmail,
  type RefusedAttachment,
} from './email-types.js';
export {
  createMailgunWebhook,
  type MailgunWebhook,
  type MailgunWebhookOptions,
  type MailgunWebhookRequest,
} from './mailgun-webhook.js';
export { markdownToHtml, markdownToText } from './markdown-email.js';
export { parseRawEmail } from './parse-email.js';
export { replyTextOf } from './reply-text.js';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  type RecipientDecision,
  type SmtpListener,
  type SmtpListenerOptions,
  startSmtpListener,
} from './smtp-listener.js';
export { conversationKeyOf, messageIdsIn, replyReferencesOf, replySubjectOf } from './threading.js';
export { readWorkspaceAttachments, type WorkspaceFile } from './workspace-attachments.js';
