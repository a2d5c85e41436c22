/**
 * The SMS channel adapter (Twilio) of the channels core: `POST /channels/twilio/sms` verified against the
 * configured public URL, STOP / START / HELP answered by TwiML before any agent runs, every other text
 * routed by its `To` number (one Twilio account, many tenant numbers) and deduped on `MessageSid` by the
 * core; the reply goes out through the Twilio sender (opt-outs, `short_responses`) under the core's outbox.
 */
import { validateConfig } from '../../config/index.js';
import { StewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';
import type {
  ChannelAdapter,
  ChannelReceipt,
  ChannelRequest,
  ChannelResponse,
  Delivery,
  DeliveryContext,
} from '../adapter.js';
import { smsChannelSchema } from '../config.js';
import type { ChannelMessage } from '../message.js';
import { ChannelBindings } from '../store/bindings.js';
import { type InboundSms, parseInboundSms, verifyTwilioSignature } from './inbound-sms.js';
import { SmsOptOutRepository } from './opt-out-repository.js';
import { type ResolvedSmsChannel, resolveSmsChannel } from './sms-config.js';
import { DEFAULT_SMS_HELP_TEXT, twimlResponse } from './sms-webhook.js';
import { createTwilioSmsSender } from './twilio-sender.js';

export interface SmsChannelOptions {
  /** The `channels` entry of type sms (env fallbacks apply: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, …). */
  config: unknown;
  /** Where opt-outs and the sender's ledger live (the core's store). */
  store: StewardStore;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

export interface SmsChannel extends ChannelAdapter {
  readonly config: ResolvedSmsChannel;
}

/**
 * @example
 * const sms = createSmsChannel({ config: { type: 'sms', features: ['short_responses'] }, store });
 * const core = new ChannelCore({ store, adapters: [sms], useAgent });
 * await core.bindings.bind({ channel: 'sms', routeKey: '+14155550100', tenantId: 'acme', agentId: 'desk' });
 */
export function createSmsChannel(options: SmsChannelOptions): SmsChannel {
  const parsed = validateConfig(smsChannelSchema, options.config, 'channels[sms]');
  const config = resolveSmsChannel(parsed, options.env ?? process.env);
  const now = options.now ?? Date.now;
  const optOuts = new SmsOptOutRepository(options.store, now);
  // Keywords are applied here, before the core routes, so they need the tenant of the number themselves.
  const bindings = new ChannelBindings(options.store, now);

  return {
    channel: 'sms',
    config,
    async receive(request: ChannelRequest): Promise<ChannelReceipt> {
      verifyTwilioSignature(request, config.webhook);
      const sms = parseInboundSms(request.rawBody);
      const binding = await bindings.resolve('sms', sms.to);
      if (sms.keyword === undefined) {
        // An opted-out customer's text is acknowledged and dropped: no agent runs for a reply that
        // could never be sent. (An unbound number is the core's to drop, with its recorded reason.)
        const optedOut =
          binding !== undefined &&
          (await optOuts.isOptedOut({ tenantId: binding.tenantId, tenantNumber: sms.to, sender: sms.from }));
        return { response: twiml(), messages: optedOut ? [] : [draftOf(sms, now())] };
      }
      // An unbound number: acknowledged, nothing recorded for a tenant that does not own it.
      if (!binding) return { response: twiml(), messages: [] };
      const party = { tenantId: binding.tenantId, tenantNumber: sms.to, sender: sms.from };
      switch (sms.keyword) {
        case 'stop':
          await optOuts.optOut(party, sms.body.trim());
          return { response: twiml(), messages: [] };
        case 'start':
          await optOuts.optIn(party);
          return { response: twiml(), messages: [] };
        case 'help':
          return { response: twiml(config.webhook.helpText ?? DEFAULT_SMS_HELP_TEXT), messages: [] };
      }
    },
    async openDelivery(message: ChannelMessage, context: DeliveryContext): Promise<Delivery> {
      const to = message.reply.to;
      if (!to) throw new StewardError('invalid-request', 'the queued SMS has no number to answer');
      // One account, many numbers: the reply goes out from the number the customer wrote to.
      const sender = createTwilioSmsSender(
        { ...config.sender, from: context.binding.routeKey },
        { store: options.store, tenantId: context.binding.tenantId, now },
      );
      return {
        async finish(text) {
          const key = `${context.deliveryId}:sms:0`;
          const send = async () => {
            const result = await sender.send({ to, text, idempotencyKey: key });
            if (result.status === 'opted-out') {
              throw new StewardError(
                'invalid-request',
                'the customer opted out (STOP) of this number; the reply was not sent',
              );
            }
            return result.messageSid;
          };
          // The sender keeps its own ledger under the same key: sending again after a kill looks at Twilio first.
          await context.outbox.once(key, { send, findSent: async () => undefined });
        },
      };
    },
    async notify(notice, context) {
      const sender = createTwilioSmsSender(
        { ...config.sender, from: context.binding.routeKey },
        { store: options.store, tenantId: context.binding.tenantId, now },
      );
      const key = `${context.deliveryId}:sms:0`;
      const send = async () => {
        const result = await sender.send({ to: notice.to, text: notice.text, idempotencyKey: key });
        if (result.status === 'opted-out') {
          throw new StewardError('invalid-request', `${notice.to} opted out (STOP) of this number`);
        }
        return result.messageSid;
      };
      await context.outbox.once(key, { send, findSent: async () => undefined });
    },
  };
}

function draftOf(sms: InboundSms, receivedAt: number): ChannelReceipt['messages'][number] {
  return {
    channel: 'sms',
    sender: { id: sms.from, provider: 'twilio' },
    conversationKey: `sms:${sms.to}:${sms.from}`,
    text: sms.body,
    attachments: sms.media.map((media, index) => ({
      name: `media-${index + 1}`,
      url: media.url,
      ...(media.contentType === undefined ? {} : { contentType: media.contentType }),
    })),
    urgency: 'normal',
    receivedAt,
    providerId: sms.messageSid,
    routeKey: sms.to,
    reply: { to: sms.from, from: sms.to },
  };
}

function twiml(reply?: string): ChannelResponse {
  return { status: 200, body: twimlResponse(reply), contentType: 'text/xml; charset=utf-8' };
}
