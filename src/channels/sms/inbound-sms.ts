/** Twilio's inbound SMS webhook: the `X-Twilio-Signature` checked against the URL Twilio signed, the form body parsed to an `InboundSms`. */
import type TwilioSdk from 'twilio';
import { StewardError } from '../../errors/index.js';
import { lazyRequire } from '../../loading/index.js';
import { type SmsKeyword, smsKeywordOf } from './keywords.js';

// Loaded on first use: a server without this channel never loads the package.
const twilio = lazyRequire<typeof TwilioSdk>('twilio');

/** An HTTP request as the SMS webhook sees it: the raw body, so the signature can be checked. */
export interface SmsWebhookRequest {
  headers: Record<string, string | undefined>;
  rawBody: Uint8Array | string;
  /** The URL the request arrived on (behind a proxy, not the one Twilio signed). */
  url: string;
}

export interface SmsMedia {
  url: string;
  contentType: string | undefined;
}

export interface InboundSms {
  /** Twilio's id of the message: the core dedupes retries on it. */
  messageSid: string;
  accountSid: string;
  /** The customer's number (E.164). */
  from: string;
  /** The tenant's number the customer wrote to (E.164): routes the message to its tenant. */
  to: string;
  body: string;
  /** MMS: media Twilio hosts, as attachment URLs. */
  media: SmsMedia[];
  /** STOP / START / HELP (or a synonym) when the whole body is one of them. */
  keyword: SmsKeyword | undefined;
}

/** Twilio's message bodies are at most 1,600 characters; a form ten times that is not Twilio's. */
export const MAX_SMS_WEBHOOK_BYTES = 64 * 1024;

/**
 * The URL Twilio signed: the configured public URL; when it is only an origin, the path and query the
 * request arrived with are added; when it has no query, the request's query is added.
 */
export function signedUrlOf(publicUrl: string, receivedUrl: string): string {
  const configured = new URL(publicUrl);
  const received = new URL(receivedUrl, configured);
  if (configured.pathname === '/') configured.pathname = received.pathname;
  if (configured.search === '' && received.search !== '') configured.search = received.search;
  return configured.href;
}

/**
 * Throws `invalid-signature` unless `X-Twilio-Signature` is Twilio's HMAC of the signed URL and the form
 * parameters under the account's auth token; `payload-too-large` for an oversize body.
 *
 * @example
 * verifyTwilioSignature(request, { authToken, publicUrl: 'https://steward.example.com/channels/twilio/sms' });
 */
export function verifyTwilioSignature(
  request: SmsWebhookRequest,
  options: { authToken: string; publicUrl: string },
): void {
  const body = bodyText(request.rawBody);
  const signature = headerOf(request.headers, 'x-twilio-signature');
  if (signature === undefined || signature === '') {
    throw new StewardError('invalid-signature', 'The SMS webhook has no X-Twilio-Signature header');
  }
  let url: string;
  try {
    url = signedUrlOf(options.publicUrl, request.url);
  } catch (error) {
    throw new StewardError(
      'invalid-request',
      `The SMS webhook URL ${request.url.slice(0, 200)} is not a URL`,
      {
        cause: error,
      },
    );
  }
  if (!twilio().validateRequest(options.authToken, signature, url, formParameters(body))) {
    throw new StewardError(
      'invalid-signature',
      `The X-Twilio-Signature does not match ${url} under the account's auth token (check channels sms publicUrl and authToken)`,
    );
  }
}

/**
 * Parses Twilio's inbound message form (From, To, Body, MessageSid, NumMedia, MediaUrlN, MediaContentTypeN).
 * Throws `invalid-request` when a required field is missing, `payload-too-large` for an oversize body.
 */
export function parseInboundSms(rawBody: Uint8Array | string): InboundSms {
  const form = new URLSearchParams(bodyText(rawBody));
  const required = (name: string): string => {
    const value = form.get(name);
    if (value === null || value.trim() === '') {
      throw new StewardError('invalid-request', `The SMS webhook form has no ${name}`, {
        details: { field: name },
      });
    }
    return value.trim();
  };
  const messageSid = form.get('MessageSid') ?? form.get('SmsMessageSid');
  if (messageSid === null || !/^[A-Z]{2}[0-9a-fA-F]{32}$/.test(messageSid)) {
    throw new StewardError('invalid-request', 'The SMS webhook form has no valid MessageSid', {
      details: { field: 'MessageSid' },
    });
  }
  const numMediaText = form.get('NumMedia') ?? '0';
  const numMedia = Number(numMediaText);
  if (!/^\d{1,2}$/.test(numMediaText) || numMedia > 10) {
    throw new StewardError(
      'invalid-request',
      `The SMS webhook form's NumMedia (${numMediaText.slice(0, 20)}) is not 0-10`,
      {
        details: { field: 'NumMedia' },
      },
    );
  }
  const media: SmsMedia[] = [];
  for (let index = 0; index < numMedia; index += 1) {
    const url = required(`MediaUrl${index}`);
    if (!/^https?:\/\//.test(url)) {
      throw new StewardError('invalid-request', `MediaUrl${index} is not an http(s) URL`, {
        details: { field: `MediaUrl${index}` },
      });
    }
    media.push({ url, contentType: form.get(`MediaContentType${index}`) ?? undefined });
  }
  const body = form.get('Body') ?? '';
  return {
    messageSid,
    accountSid: required('AccountSid'),
    from: required('From'),
    to: required('To'),
    body,
    media,
    keyword: smsKeywordOf(body),
  };
}

function bodyText(rawBody: Uint8Array | string): string {
  const size = typeof rawBody === 'string' ? Buffer.byteLength(rawBody) : rawBody.byteLength;
  if (size > MAX_SMS_WEBHOOK_BYTES) {
    throw new StewardError(
      'payload-too-large',
      `The SMS webhook body has ${size} bytes; at most ${MAX_SMS_WEBHOOK_BYTES}`,
    );
  }
  return typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
}

/** The form's parameters as Twilio signs them (a repeated name keeps every value). */
function formParameters(body: string): Record<string, string | string[]> {
  const parameters: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const existing = parameters[name];
    if (existing === undefined) parameters[name] = value;
    else parameters[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return parameters;
}

function headerOf(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}
