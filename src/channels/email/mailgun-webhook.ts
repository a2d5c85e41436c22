/**
 * Mailgun's inbound route webhook (`forward()` to `POST /channels/email/inbound`): the signature (HMAC-SHA256
 * of timestamp + token under the webhook signing key) checked timing-safely within a replay window, the
 * parsed form (or the raw MIME of a URL ending in `mime`) turned into the same `InboundEmail` as SMTP.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { StewardError } from '../../errors/index.js';
import {
  type AttachmentLimits,
  DEFAULT_MAX_ATTACHMENT_BYTES,
  type EmailAddress,
  type InboundEmail,
} from './email-types.js';
import { limitAttachments, parseRawEmail } from './parse-email.js';
import { replyTextOf } from './reply-text.js';
import { conversationKeyOf, messageIdsIn } from './threading.js';

export interface MailgunWebhookRequest {
  headers: Record<string, string | undefined>;
  rawBody: Uint8Array;
}

export interface MailgunWebhookOptions extends AttachmentLimits {
  /** Mailgun's HTTP webhook signing key (Settings → Webhooks), not the API key. */
  signingKey: string;
  /** How far the signed timestamp may be from now, either way. Default 300 s. */
  toleranceMs?: number;
  /** Largest body taken. Default 40 MiB (Mailgun's message limit is 25 MB, base64 and fields add a third). */
  maxBodyBytes?: number;
  /** Tokens remembered to refuse replays (per instance; the core also dedupes on `messageId`). Default 100,000. */
  maxRememberedTokens?: number;
  now?: () => number;
}

export interface MailgunWebhook {
  /**
   * Verifies and parses one webhook request. Throws `invalid-signature` (401) for a forged, stale or replayed
   * signature, `payload-too-large` (413), `unsupported-media-type` (415) or `invalid-request` (400).
   */
  receive(request: MailgunWebhookRequest): Promise<InboundEmail>;
}

/**
 * @example
 * const mailgun = createMailgunWebhook({ signingKey: process.env.MAILGUN_WEBHOOK_SIGNING_KEY! });
 * const email = await mailgun.receive({ headers, rawBody });
 */
export function createMailgunWebhook(options: MailgunWebhookOptions): MailgunWebhook {
  const now = options.now ?? Date.now;
  const toleranceMs = options.toleranceMs ?? 300_000;
  const maxBodyBytes = options.maxBodyBytes ?? 40 * 1024 * 1024;
  /** Tokens seen inside the window (a replayed request reuses its token); entries older than the window go. */
  const seenTokens = new Map<string, number>();
  const maxRememberedTokens = options.maxRememberedTokens ?? 100_000;

  function verify(fields: { timestamp: string; token: string; signature: string }): void {
    const timestamp = Number(fields.timestamp);
    if (!/^\d{1,12}$/.test(fields.timestamp) || Math.abs(now() - timestamp * 1000) > toleranceMs) {
      throw new StewardError(
        'invalid-signature',
        'The Mailgun webhook timestamp is missing or outside the replay window',
      );
    }
    const expected = createHmac('sha256', options.signingKey)
      .update(fields.timestamp + fields.token)
      .digest();
    const given = /^[0-9a-f]{64}$/i.test(fields.signature)
      ? Buffer.from(fields.signature, 'hex')
      : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new StewardError(
        'invalid-signature',
        'The Mailgun webhook signature does not match (check the channel email webhook signing key)',
      );
    }
    // Insertion order is time order: prune from the oldest until one is young enough.
    for (const [token, seenAt] of seenTokens) {
      if (now() - seenAt <= 2 * toleranceMs) break;
      seenTokens.delete(token);
    }
    if (seenTokens.has(fields.token)) {
      throw new StewardError(
        'invalid-signature',
        'The Mailgun webhook token was already used (a replayed request)',
      );
    }
    seenTokens.set(fields.token, now());
    // A flood cannot grow the map without bound: past the cap the oldest tokens are forgotten.
    for (const token of seenTokens.keys()) {
      if (seenTokens.size <= maxRememberedTokens) break;
      seenTokens.delete(token);
    }
  }

  return {
    async receive(request) {
      if (request.rawBody.byteLength > maxBodyBytes) {
        throw new StewardError(
          'payload-too-large',
          `The Mailgun webhook body has ${request.rawBody.byteLength} bytes; at most ${maxBodyBytes}`,
        );
      }
      const form = await formOf(request);
      const text = (name: string): string => {
        const value = form.get(name);
        return typeof value === 'string' ? value : '';
      };
      verify({ timestamp: text('timestamp'), token: text('token'), signature: text('signature') });
      const recipient = text('recipient').split(',')[0]?.trim().toLowerCase() ?? '';
      if (!recipient.includes('@')) {
        throw new StewardError('invalid-request', 'The Mailgun webhook has no recipient', {
          details: { field: 'recipient' },
        });
      }
      const mime = text('body-mime');
      if (mime !== '') return parseRawEmail(mime, { ...options, recipient });
      return emailOfFields(form, text, recipient, options);
    },
  };
}

async function formOf(request: MailgunWebhookRequest): Promise<FormData> {
  const contentType = headerOf(request.headers, 'content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(contentType)) {
    throw new StewardError(
      'unsupported-media-type',
      `The Mailgun webhook must be form-encoded or multipart, not ${contentType.slice(0, 80) || 'untyped'}`,
    );
  }
  try {
    return await new Response(request.rawBody, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new StewardError('invalid-request', 'The Mailgun webhook body is not a valid form', {
      cause: error,
    });
  }
}

async function emailOfFields(
  form: FormData,
  text: (name: string) => string,
  recipient: string,
  limits: AttachmentLimits,
): Promise<InboundEmail> {
  const headers = headerListOf(text('message-headers'));
  const header = (name: string): string | undefined =>
    headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] ?? (text(name) || undefined);
  const from = addressesIn(text('from') || (header('From') ?? ''))[0];
  if (from === undefined) {
    throw new StewardError('invalid-request', 'The Mailgun webhook has no From address', {
      details: { field: 'from' },
    });
  }
  const bodyPlain = text('body-plain');
  const references = messageIdsIn(header('References'));
  const inReplyTo = messageIdsIn(header('In-Reply-To'))[0];
  const messageId =
    messageIdsIn(header('Message-Id'))[0] ??
    // Made from the content, not the token: Mailgun's retry of the same mail then carries the same id.
    `<${createHash('sha256')
      .update(JSON.stringify([text('from'), header('Date') ?? '', text('subject'), bodyPlain]))
      .digest('hex')
      .slice(0, 32)}@missing-message-id.invalid>`;
  const count = Number(text('attachment-count') || '0');
  const files: Array<{
    filename: string;
    contentType: string;
    size: number;
    content: Buffer;
    cid: undefined;
  }> = [];
  const maxBytes = limits.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  for (let index = 1; Number.isInteger(count) && index <= Math.min(count, 100); index += 1) {
    const file = form.get(`attachment-${index}`);
    if (file === null || typeof file === 'string') continue;
    // An oversize file is described, not read into memory.
    const content = file.size > maxBytes ? Buffer.alloc(0) : Buffer.from(await file.arrayBuffer());
    files.push({
      filename: file.name,
      contentType: file.type || 'application/octet-stream',
      size: file.size,
      content,
      cid: undefined,
    });
  }
  const { kept, refused } = limitAttachments(files, limits);
  const date = header('Date');
  return {
    from,
    to: addressesIn(header('To') ?? ''),
    cc: addressesIn(header('Cc') ?? ''),
    recipient,
    subject: text('subject'),
    text: bodyPlain,
    html: text('body-html') || undefined,
    reply: replyTextOf(bodyPlain),
    messageId,
    inReplyTo,
    references,
    conversationKey: conversationKeyOf({ messageId, inReplyTo, references }),
    date: date === undefined || Number.isNaN(Date.parse(date)) ? undefined : new Date(date),
    attachments: kept,
    refusedAttachments: refused,
  };
}

/** `message-headers`: a JSON list of `[name, value]` pairs, order kept; anything else counts as none. */
function headerListOf(json: string): Array<[string, string]> {
  if (json === '') return [];
  try {
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (pair): pair is [string, string] =>
        Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string',
    );
  } catch {
    return [];
  }
}

/** Addresses in a header value: `Name <a@x>, b@y` → two addresses. */
function addressesIn(value: string): EmailAddress[] {
  const addresses: EmailAddress[] = [];
  for (const match of value.matchAll(/(?:"?([^",<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>|([^\s,<>"]+@[^\s,<>"]+))/g)) {
    const address = (match[2] ?? match[3] ?? '').toLowerCase();
    if (address !== '') addresses.push({ address, name: (match[1] ?? '').trim() });
  }
  return addresses;
}

function headerOf(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}
