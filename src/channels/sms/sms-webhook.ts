/** One inbound SMS webhook handled: verified, parsed, and STOP / START / HELP applied before any agent sees it. */
import type TwilioSdk from 'twilio';
import { lazyRequire } from '../../loading/index.js';
import type { StewardStore } from '../../store/index.js';
import {
  type InboundSms,
  parseInboundSms,
  type SmsWebhookRequest,
  verifyTwilioSignature,
} from './inbound-sms.js';
import { SmsOptOutRepository } from './opt-out-repository.js';

// Loaded on first use: a server without this channel never loads the package.
const twilio = lazyRequire<typeof TwilioSdk>('twilio');

export interface SmsWebhookConfig {
  authToken: string;
  /** The webhook URL as configured at Twilio (what Twilio signs), e.g. `https://steward.example.com/channels/twilio/sms`. */
  publicUrl: string;
  /** The answer to HELP / INFO. */
  helpText?: string;
}

/**
 * What the webhook did with a message:
 * - `message`: a customer message for the agent (the core dedupes on `sms.messageSid`);
 * - `opted-out` / `opted-in`: STOP or START recorded, no agent run (Twilio's own opt-out reply is sent by Twilio);
 * - `help`: answer with `reply`, no agent run.
 */
export type SmsWebhookOutcome =
  | { kind: 'message'; sms: InboundSms }
  | { kind: 'opted-out'; sms: InboundSms }
  | { kind: 'opted-in'; sms: InboundSms }
  | { kind: 'help'; sms: InboundSms; reply: string };

export const DEFAULT_SMS_HELP_TEXT = 'Reply STOP to stop receiving messages, START to receive them again.';

/**
 * Verifies (`invalid-signature`, 401), parses (`invalid-request`, 400; `payload-too-large`, 413) and applies
 * opt-out keywords for the tenant that owns the `To` number (the caller routes by `To` first, with
 * `parseInboundSms`, or passes the tenant it already knows).
 *
 * @example
 * const outcome = await handleSmsWebhook(request, { authToken, publicUrl }, { store, tenantId: 'acme' });
 * if (outcome.kind === 'message') enqueue(outcome.sms);
 */
export async function handleSmsWebhook(
  request: SmsWebhookRequest,
  config: SmsWebhookConfig,
  dependencies: { store: StewardStore; tenantId: string; now?: () => number },
): Promise<SmsWebhookOutcome> {
  verifyTwilioSignature(request, config);
  const sms = parseInboundSms(request.rawBody);
  const optOuts = new SmsOptOutRepository(dependencies.store, dependencies.now);
  const party = { tenantId: dependencies.tenantId, tenantNumber: sms.to, sender: sms.from };
  switch (sms.keyword) {
    case 'stop':
      await optOuts.optOut(party, sms.body.trim());
      return { kind: 'opted-out', sms };
    case 'start':
      await optOuts.optIn(party);
      return { kind: 'opted-in', sms };
    case 'help':
      return { kind: 'help', sms, reply: config.helpText ?? DEFAULT_SMS_HELP_TEXT };
    default:
      return { kind: 'message', sms };
  }
}

/**
 * The TwiML body that acknowledges Twilio's webhook (`text/xml`): empty (the reply goes later through the
 * REST API), or with a message sent back at once (the HELP answer).
 *
 * @example
 * twimlResponse() // '<?xml version="1.0" encoding="UTF-8"?><Response/>'
 */
export function twimlResponse(reply?: string): string {
  const response = new (twilio().twiml.MessagingResponse)();
  if (reply !== undefined) response.message(reply);
  return response.toString();
}
