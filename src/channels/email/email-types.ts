/** The typed shape of an email as the email channel hands it on, whichever way it arrived (SMTP or a provider webhook). */

export interface EmailAddress {
  /** Lower-cased address, e.g. `maria@example.com`. */
  address: string;
  /** Display name, empty when none. */
  name: string;
}

export interface EmailAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
  /** `Content-ID` for inline parts (an image in the HTML), without angle brackets. */
  contentId: string | undefined;
}

/** An attachment not kept, with why (too large, too many). */
export interface RefusedAttachment {
  filename: string;
  contentType: string;
  size: number;
  reason: string;
}

export interface InboundEmail {
  from: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  /** The envelope recipient (RCPT TO, or Mailgun's `recipient`) this copy was delivered for: routes it to its tenant. */
  recipient: string;
  subject: string;
  /** The whole text part (HTML-only mail: a text rendering of the HTML). */
  text: string;
  html: string | undefined;
  /** The new part of the text: quoted replies and signatures removed. */
  reply: string;
  /** `Message-ID` with angle brackets; one is made up (from a content hash) when the mail has none. */
  messageId: string;
  inReplyTo: string | undefined;
  /** `References`, oldest first. */
  references: string[];
  /** The thread's conversation key: its root message id. */
  conversationKey: string;
  date: Date | undefined;
  attachments: EmailAttachment[];
  refusedAttachments: RefusedAttachment[];
}

export interface AttachmentLimits {
  /** Largest attachment kept, in bytes. Default 10 MiB. */
  maxAttachmentBytes?: number;
  /** Most attachments kept per email. Default 10. */
  maxAttachments?: number;
}

export const DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_ATTACHMENTS = 10;
