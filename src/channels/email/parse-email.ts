/** A raw RFC 5322 message (from SMTP, or Mailgun's `body-mime`) parsed with `mailparser` into an `InboundEmail`. */
import { createHash } from 'node:crypto';
import type * as Mailparser from 'mailparser';
import type { AddressObject, Attachment } from 'mailparser';
import { StewardError } from '../../errors/index.js';
import { lazyRequire } from '../../loading/index.js';
import {
  type AttachmentLimits,
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DEFAULT_MAX_ATTACHMENTS,
  type EmailAddress,
  type EmailAttachment,
  type InboundEmail,
  type RefusedAttachment,
} from './email-types.js';
import { replyTextOf } from './reply-text.js';
import { conversationKeyOf, messageIdsIn } from './threading.js';

// Loaded on first use: a server without this channel never loads the package.
const mailparser = lazyRequire<typeof Mailparser>('mailparser');

/**
 * Parses a raw message. Throws `invalid-request` when it has no usable `From`; attachments over the limits
 * are left out and listed in `refusedAttachments` with the reason.
 *
 * @example
 * const email = await parseRawEmail(rawBytes, { recipient: 'orders@acme.example' });
 * email.reply; email.conversationKey; email.attachments
 */
export async function parseRawEmail(
  raw: Buffer | string,
  options: { recipient: string } & AttachmentLimits,
): Promise<InboundEmail> {
  let parsed: Awaited<ReturnType<typeof Mailparser.simpleParser>>;
  try {
    parsed = await mailparser().simpleParser(raw, {
      skipImageLinks: true,
      maxHtmlLengthToParse: 2 * 1024 * 1024,
    });
  } catch (error) {
    throw new StewardError('invalid-request', 'The email could not be parsed as an RFC 5322 message', {
      cause: error,
    });
  }
  const from = addressesOf(parsed.from)[0];
  if (from === undefined) {
    throw new StewardError('invalid-request', 'The email has no From address', {
      details: { field: 'from' },
    });
  }
  const text = parsed.text ?? '';
  const references = messageIdsIn(parsed.references);
  const inReplyTo = messageIdsIn(parsed.inReplyTo)[0];
  const messageId =
    messageIdsIn(parsed.messageId)[0] ??
    `<${createHash('sha256').update(raw).digest('hex').slice(0, 32)}@missing-message-id.invalid>`;
  const { kept, refused } = limitAttachments(parsed.attachments, options);
  return {
    from,
    to: addressesOf(parsed.to),
    cc: addressesOf(parsed.cc),
    recipient: options.recipient.toLowerCase(),
    subject: parsed.subject ?? '',
    text,
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    reply: replyTextOf(text),
    messageId,
    inReplyTo,
    references,
    conversationKey: conversationKeyOf({ messageId, inReplyTo, references }),
    date: parsed.date,
    attachments: kept,
    refusedAttachments: refused,
  };
}

/** Keeps attachments within the limits, in order; the rest are refused with a reason. */
export function limitAttachments(
  attachments: Array<Pick<Attachment, 'filename' | 'contentType' | 'size' | 'content' | 'cid'>>,
  limits: AttachmentLimits,
): { kept: EmailAttachment[]; refused: RefusedAttachment[] } {
  const maxBytes = limits.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  const maxCount = limits.maxAttachments ?? DEFAULT_MAX_ATTACHMENTS;
  const kept: EmailAttachment[] = [];
  const refused: RefusedAttachment[] = [];
  for (const attachment of attachments) {
    const filename = safeFilename(attachment.filename);
    // The larger of the stated and the actual size (a webhook states the size of a file it did not read).
    const size = Math.max(attachment.size, attachment.content.length);
    const described = { filename, contentType: attachment.contentType, size };
    if (size > maxBytes) refused.push({ ...described, reason: `larger than ${maxBytes} bytes` });
    else if (kept.length >= maxCount)
      refused.push({ ...described, reason: `more than ${maxCount} attachments` });
    else
      kept.push({
        ...described,
        content: attachment.content,
        contentId: attachment.cid?.replace(/^<|>$/g, ''),
      });
  }
  return { kept, refused };
}

/** A file name with no directory part and no control characters, so it is safe as a reference. */
function safeFilename(filename: string | undefined): string {
  const base = (filename ?? '').split(/[/\\]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'attachment' : cleaned.slice(0, 200);
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  if (value === undefined) return [];
  const objects = Array.isArray(value) ? value : [value];
  const addresses: EmailAddress[] = [];
  for (const object of objects) {
    for (const entry of object.value) {
      // A group ("Team: a@x, b@x;") lists its members in `group`.
      for (const member of entry.group ?? [entry]) {
        if (member.address?.includes('@')) {
          addresses.push({ address: member.address.toLowerCase(), name: member.name ?? '' });
        }
      }
    }
  }
  return addresses;
}
