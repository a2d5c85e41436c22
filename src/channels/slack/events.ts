/**
 * Slack Events API payloads → message drafts. Answers `url_verification`; keeps `app_mention` and direct
 * messages (`message` in an `im`), and ignores everything else: bot messages (ours and others'), edits,
 * joins and other subtypes. Anything that is not the JSON Slack sends is `invalid-request` (400).
 */
import { StewardError } from '../../errors/index.js';
import type { ChannelReceipt, InboundDraft } from '../adapter.js';
import type { ChannelAttachment } from '../message.js';

type Json = Record<string, unknown>;

/** One decoder for every request (`decode` without `stream` keeps no state between calls). */
const utf8 = new TextDecoder('utf-8', { fatal: true });

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * @example
 * const receipt = parseSlackEvents(rawBody, Date.now());
 */
export function parseSlackEvents(rawBody: Uint8Array, now: number): ChannelReceipt {
  let body: unknown;
  try {
    body = JSON.parse(utf8.decode(rawBody));
  } catch {
    throw new StewardError('invalid-request', 'the Slack request body is not JSON');
  }
  if (!isObject(body))
    throw new StewardError('invalid-request', 'the Slack request body is not a JSON object');
  if (body.type === 'url_verification') {
    const challenge = text(body.challenge);
    if (!challenge) throw new StewardError('invalid-request', 'url_verification without a challenge');
    return {
      response: { status: 200, body: JSON.stringify({ challenge }), contentType: 'application/json' },
      messages: [],
    };
  }
  if (body.type !== 'event_callback') return { messages: [] };
  const eventId = text(body.event_id);
  const teamId = text(body.team_id);
  const event = body.event;
  if (!eventId || !teamId || !isObject(event)) {
    throw new StewardError('invalid-request', 'event_callback without event_id, team_id or event');
  }
  const draft = draftOf(event, {
    eventId,
    teamId,
    enterpriseId: text(body.enterprise_id),
    enterpriseInstall: body.is_enterprise_install === true,
    now,
  });
  return { messages: draft ? [draft] : [] };
}

function draftOf(
  event: Json,
  envelope: {
    eventId: string;
    teamId: string;
    enterpriseId: string | undefined;
    enterpriseInstall: boolean;
    now: number;
  },
): InboundDraft | undefined {
  const isMention = event.type === 'app_mention';
  const isDirect = event.type === 'message' && event.channel_type === 'im';
  if (!isMention && !isDirect) return undefined;
  // Bots (this app included) and message subtypes (edits, joins, bot_message …) are never answered.
  if (event.bot_id !== undefined || event.bot_profile !== undefined || event.subtype !== undefined)
    return undefined;
  const user = text(event.user);
  const channel = text(event.channel);
  const ts = text(event.ts);
  if (!user || !channel || !ts) return undefined;
  const threadTs = text(event.thread_ts) ?? ts;
  const routeKey =
    envelope.enterpriseInstall && envelope.enterpriseId
      ? `enterprise:${envelope.enterpriseId}`
      : `team:${envelope.teamId}`;
  const rawText = typeof event.text === 'string' ? event.text : '';
  const message = plainText(rawText, isMention);
  const attachments = attachmentsOf(event.files);
  if (message === '' && attachments.length === 0) return undefined;
  return {
    channel: 'slack',
    sender: { id: user, provider: 'slack' },
    conversationKey: `slack:${envelope.teamId}:${channel}:${threadTs}`,
    text: message,
    attachments,
    urgency: 'normal',
    receivedAt: envelope.now,
    providerId: envelope.eventId,
    routeKey,
    reply: { channel, threadTs, messageTs: ts, teamId: envelope.teamId },
  };
}

/** Slack's text without the leading mention of the bot, with its three escaped characters restored. */
function plainText(raw: string, isMention: boolean): string {
  const withoutMention = isMention ? raw.replace(/^\s*<@[A-Za-z0-9_-]+(\|[^>]*)?>[\s,:]*/, '') : raw;
  return withoutMention.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
}

function attachmentsOf(files: unknown): ChannelAttachment[] {
  if (!Array.isArray(files)) return [];
  return files.filter(isObject).flatMap((file) => {
    const url = text(file.url_private);
    if (!url) return [];
    const attachment: ChannelAttachment = { name: text(file.name) ?? 'file', url };
    const contentType = text(file.mimetype);
    if (contentType) attachment.contentType = contentType;
    if (typeof file.size === 'number') attachment.sizeBytes = file.size;
    return [attachment];
  });
}
