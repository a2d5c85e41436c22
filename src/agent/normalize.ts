/** Input checks and the basic normalization every message gets before any tier sees it. */
import { StewardError } from '../errors/index.js';
import type { InboundMessage } from '../pipeline/index.js';

// C0 controls except tab and newline, DEL, and the C1 range: never meaningful in a chat message.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const controlCharacters = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Unicode NFC, control characters removed, line endings unified, outer whitespace trimmed. */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n').replace(controlCharacters, '').trim();
}

const channelPattern = /^[a-z][a-z0-9_-]{0,31}$/;
const conversationPattern = /^[\x21-\x7E]{1,256}$/;

/** Checks an inbound message and returns it with defaults; bad input gets a typed `invalid-request`. */
export function checkMessage(
  message: unknown,
  options: { maxMessageChars: number; normalize: boolean },
): Required<Pick<InboundMessage, 'text' | 'channel'>> & InboundMessage {
  if (typeof message !== 'object' || message === null) {
    throw new StewardError('invalid-request', 'message must be an object like { "text": "hello" }');
  }
  const { text, conversationId, channel, senderId, customerKey } = message as Record<string, unknown>;
  if (typeof text !== 'string') {
    throw new StewardError('invalid-request', 'message.text is required and must be a string', {
      details: { field: 'text' },
    });
  }
  const cleaned = options.normalize ? normalizeText(text) : text;
  if (cleaned.length === 0) {
    throw new StewardError('invalid-request', 'message.text is empty', { details: { field: 'text' } });
  }
  if (cleaned.length > options.maxMessageChars) {
    throw new StewardError(
      'payload-too-large',
      `message.text has ${cleaned.length} characters; the limit is ${options.maxMessageChars} (limits.maxMessageChars)`,
      { details: { field: 'text', limit: options.maxMessageChars } },
    );
  }
  if (
    conversationId !== undefined &&
    (typeof conversationId !== 'string' || !conversationPattern.test(conversationId))
  ) {
    throw new StewardError(
      'invalid-request',
      'message.conversationId must be 1-256 printable ASCII characters',
      {
        details: { field: 'conversationId' },
      },
    );
  }
  if (channel !== undefined && (typeof channel !== 'string' || !channelPattern.test(channel))) {
    throw new StewardError(
      'invalid-request',
      'message.channel must be a lowercase name such as "web" or "slack"',
      {
        details: { field: 'channel' },
      },
    );
  }
  if (senderId !== undefined && (typeof senderId !== 'string' || senderId.length > 256)) {
    throw new StewardError('invalid-request', 'message.senderId must be a string of at most 256 characters', {
      details: { field: 'senderId' },
    });
  }
  if (
    customerKey !== undefined &&
    (typeof customerKey !== 'string' || customerKey.length === 0 || customerKey.length > 512)
  ) {
    throw new StewardError('invalid-request', 'message.customerKey must be a string of 1 to 512 characters', {
      details: { field: 'customerKey' },
    });
  }
  const checked: Required<Pick<InboundMessage, 'text' | 'channel'>> & InboundMessage = {
    text: cleaned,
    channel: (channel as string | undefined) ?? 'api',
  };
  if (conversationId !== undefined) checked.conversationId = conversationId as string;
  if (senderId !== undefined) checked.senderId = senderId as string;
  if (customerKey !== undefined) checked.customerKey = customerKey as string;
  return checked;
}
