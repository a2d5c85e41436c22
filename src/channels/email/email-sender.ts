/**
 * Outbound email with `nodemailer` over SMTP: markdown as HTML plus a text alternative, the threading headers
 * of a reply, attachments from the agent's workspace, and a `Message-ID` derived from the caller's
 * idempotency key, so a retried send is recognisably the same message.
 */
import { createHash } from 'node:crypto';
import type Nodemailer from 'nodemailer';
import { StewardError } from '../../errors/index.js';
import { lazyRequire } from '../../loading/index.js';
import { DEFAULT_MAX_ATTACHMENT_BYTES } from './email-types.js';
import { markdownToHtml, markdownToText } from './markdown-email.js';
import { replyReferencesOf, replySubjectOf } from './threading.js';
import { readWorkspaceAttachments } from './workspace-attachments.js';

// Loaded on first use: a server without this channel never loads the package.
const nodemailer = lazyRequire<typeof Nodemailer>('nodemailer');

export interface SmtpConfig {
  host: string;
  /** Default 587 (465 when `secure`). */
  port?: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  auth?: { user: string; pass: string };
  /** Refuse to send without STARTTLS. Default false; turn on for a relay over the internet. */
  requireTls?: boolean;
}

export interface EmailSenderConfig {
  smtp: SmtpConfig;
  /** The From of every message, e.g. `Acme Bakery <orders@acme.example>`. */
  from: string;
  /** Largest attachment sent, in bytes. Default 10 MiB. */
  maxAttachmentBytes?: number;
}

export interface OutboundEmail {
  to: string | string[];
  /** The subject of a new message; a reply takes `Re: <original subject>`. */
  subject?: string;
  /** The body, markdown. */
  markdown: string;
  /** The message answered: sets `In-Reply-To`, `References` and the subject. */
  replyTo?: { messageId: string; references: string[]; subject: string };
  /** Files to attach, relative to `workspaceDirectory`. */
  attachments?: string[];
  /** The agent's workspace; required with attachments, and nothing outside it is sent. */
  workspaceDirectory?: string;
  /** The same key for every retry of the same message: the `Message-ID` is derived from it. */
  idempotencyKey: string;
}

export interface EmailSender {
  send(message: OutboundEmail): Promise<{ messageId: string; accepted: string[]; rejected: string[] }>;
  close(): void;
}

/**
 * A `Message-ID` that depends only on the key and the sender's domain.
 *
 * @example
 * messageIdFor('reply-42', 'Acme <orders@acme.example>') // '<steward.3f…@acme.example>'
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = from.match(/@([^\s>]+)>?\s*$/)?.[1] ?? 'steward.invalid';
  const digest = createHash('sha256').update(`${domain}\n${idempotencyKey}`).digest('hex').slice(0, 40);
  return `<steward.${digest}@${domain}>`;
}

/**
 * @example
 * const sender = createEmailSender({ smtp: { host: 'smtp.example.com', auth }, from: 'Acme <orders@acme.example>' });
 * await sender.send({ to: email.from.address, markdown: answer, replyTo: email, idempotencyKey: 'reply-42' });
 */
export function createEmailSender(config: EmailSenderConfig): EmailSender {
  const secure = config.smtp.secure ?? false;
  const transport = nodemailer().createTransport({
    host: config.smtp.host,
    port: config.smtp.port ?? (secure ? 465 : 587),
    secure,
    ...(config.smtp.auth === undefined ? {} : { auth: config.smtp.auth }),
    requireTLS: config.smtp.requireTls ?? false,
    // A plain loopback relay (tests, a local MTA) offers no STARTTLS; an internet relay should set requireTls.
    ignoreTLS: config.smtp.requireTls !== true && !secure && isLoopback(config.smtp.host),
  });

  return {
    async send(message) {
      if ((message.attachments?.length ?? 0) > 0 && message.workspaceDirectory === undefined) {
        throw new StewardError(
          'invalid-request',
          'Attachments need the workspace directory they are read from',
        );
      }
      const files =
        message.attachments === undefined || message.workspaceDirectory === undefined
          ? []
          : await readWorkspaceAttachments(message.workspaceDirectory, message.attachments, {
              maxBytes: config.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
            });
      const messageId = messageIdFor(message.idempotencyKey, config.from);
      const reply = message.replyTo;
      const references = reply === undefined ? [] : replyReferencesOf(reply);
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: message.to,
          subject: reply === undefined ? (message.subject ?? '') : replySubjectOf(reply.subject),
          text: markdownToText(message.markdown),
          html: markdownToHtml(message.markdown),
          messageId,
          ...(reply === undefined ? {} : { inReplyTo: reply.messageId, references }),
          attachments: files.map((file) => ({ filename: file.filename, content: file.content })),
        });
        return {
          messageId,
          accepted: info.accepted.map(String),
          rejected: info.rejected.map(String),
        };
      } catch (error) {
        const responseCode = (error as { responseCode?: unknown }).responseCode;
        throw new StewardError(
          typeof responseCode === 'number' && responseCode >= 500 ? 'invalid-request' : 'runtime-failed',
          `The SMTP relay did not take the email ${messageId}: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
            details: { messageId, responseCode: typeof responseCode === 'number' ? responseCode : null },
          },
        );
      }
    },
    close() {
      transport.close();
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
