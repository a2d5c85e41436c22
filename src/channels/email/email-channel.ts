/**
 * The email channel adapter of the channels core: Mailgun's route webhook in (`POST /channels/email/inbound`,
 * HMAC-verified, a replayed token refused), routed by the recipient address (one domain, many tenants),
 * deduped on `Message-ID` by the core; the reply goes out through nodemailer as HTML and text with
 * `In-Reply-To` / `References`, under the core's outbox. The SMTP listener feeds the same core
 * (`startInboundSmtp`).
 */
import { validateConfig } from '../../config/index.js';
import { StewardError } from '../../errors/index.js';
import type {
  ChannelAdapter,
  ChannelReceipt,
  ChannelRequest,
  Delivery,
  DeliveryContext,
  InboundDraft,
} from '../adapter.js';
import { emailChannelSchema } from '../config.js';
import type { ChannelMessage } from '../message.js';
import { type ResolvedEmailChannel, resolveEmailChannel } from './email-config.js';
import { createEmailSender } from './email-sender.js';
import type { InboundEmail } from './email-types.js';
import { createMailgunWebhook } from './mailgun-webhook.js';

export interface EmailChannelOptions {
  /** The `channels` entry of type email (env fallbacks apply: STEWARD_SMTP_HOST, STEWARD_EMAIL_FROM, …). */
  config: unknown;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

export interface EmailChannel extends ChannelAdapter {
  readonly config: ResolvedEmailChannel;
}

/**
 * @example
 * const email = createEmailChannel({ config: { type: 'email', address: 'orders@acme.example', inbound: { mailgun: {} } } });
 * const core = new ChannelCore({ store, adapters: [email], useAgent });
 * await core.bindings.bind({ channel: 'email', routeKey: 'orders@acme.example', tenantId: 'acme', agentId: 'desk' });
 */
export function createEmailChannel(options: EmailChannelOptions): EmailChannel {
  const parsed = validateConfig(emailChannelSchema, options.config, 'channels[email]');
  const config = resolveEmailChannel(parsed, options.env ?? process.env);
  const now = options.now ?? Date.now;
  const mailgun =
    config.mailgunSigningKey === undefined
      ? undefined
      : createMailgunWebhook({
          signingKey: config.mailgunSigningKey,
          now,
          ...(config.maxAttachmentBytes === undefined
            ? {}
            : { maxAttachmentBytes: config.maxAttachmentBytes }),
        });

  return {
    channel: 'email',
    config,
    async receive(request: ChannelRequest): Promise<ChannelReceipt> {
      if (!mailgun) {
        throw new StewardError(
          'not-found',
          'the Mailgun webhook is not configured: add `inbound: { mailgun: {} }` to the email channel and set `signingKey` or MAILGUN_WEBHOOK_SIGNING_KEY',
        );
      }
      const email = await mailgun.receive({ headers: request.headers, rawBody: request.rawBody });
      return { messages: [emailDraftOf(email, now())] };
    },
    async openDelivery(message: ChannelMessage, context: DeliveryContext): Promise<Delivery> {
      const { to, messageId, references, subject } = message.reply;
      if (!to || !messageId)
        throw new StewardError('invalid-request', 'the queued email has no address to answer');
      return {
        async finish(text) {
          const key = `${context.deliveryId}:email:0`;
          const sender = createEmailSender({
            smtp: config.smtp,
            from: config.from,
            ...(config.maxAttachmentBytes === undefined
              ? {}
              : { maxAttachmentBytes: config.maxAttachmentBytes }),
          });
          try {
            // SMTP cannot be asked whether it took a message; a resend carries the same Message-ID (derived from the key).
            await context.outbox.once(key, {
              send: async () =>
                (
                  await sender.send({
                    to,
                    markdown: text,
                    replyTo: {
                      messageId,
                      references: references ? references.split(' ').filter(Boolean) : [],
                      subject: subject ?? '',
                    },
                    idempotencyKey: key,
                  })
                ).messageId,
              findSent: async () => undefined,
            });
          } finally {
            sender.close();
          }
        },
      };
    },
    async notify(notice, context) {
      const key = `${context.deliveryId}:email:0`;
      const sender = createEmailSender({ smtp: config.smtp, from: config.from });
      try {
        await context.outbox.once(key, {
          send: async () =>
            (
              await sender.send({
                to: notice.to,
                markdown: notice.text,
                subject: `Urgent customer message for ${context.binding.tenantId}/${context.binding.agentId}`,
                idempotencyKey: key,
              })
            ).messageId,
          findSent: async () => undefined,
        });
      } finally {
        sender.close();
      }
    },
  };
}

/**
 * The core's draft of one parsed copy of a mail (one per recipient): routed by the recipient address, and
 * deduplicated by `Message-ID` per recipient, so a mail to two tenants' addresses reaches both.
 */
export function emailDraftOf(email: InboundEmail, receivedAt: number): InboundDraft {
  const recipient = email.recipient.toLowerCase();
  return {
    channel: 'email',
    sender: {
      id: email.from.address.toLowerCase(),
      provider: 'email',
      ...(email.from.name ? { displayName: email.from.name } : {}),
    },
    conversationKey: `email:${recipient}:${email.conversationKey}`,
    text: email.reply.trim() === '' ? email.subject : email.reply,
    // Kept within the limits by the parser; the core writes them into the routed agent's workspace.
    attachments: [],
    files: email.attachments.map((attachment) => ({
      name: attachment.filename,
      contentType: attachment.contentType,
      content: attachment.content,
    })),
    urgency: 'normal',
    receivedAt,
    providerId: `${email.messageId} ${recipient}`,
    routeKey: recipient,
    reply: {
      to: email.from.address,
      messageId: email.messageId,
      references: email.references.join(' '),
      subject: email.subject,
    },
  };
}
