/**
 * The Slack channel adapter: Events API in (v0 signature, url_verification, app mentions and direct
 * messages, bot messages ignored), replies out in the message's thread as mrkdwn split within Slack's
 * limits, each post sent once (its idempotency key rides along as message metadata, so a retry after a
 * lost response finds it). With `progress_tracking`, a placeholder is posted first and updated as tools
 * run (throttled per workspace) and with the answer's first part when done. With only an incoming
 * webhook (`webhook`), the channel is outbound-only: urgency notices are posted to the webhook.
 */
import { StewardError } from '../../errors/index.js';
import type {
  ChannelAdapter,
  ChannelReceipt,
  ChannelRequest,
  Delivery,
  DeliveryContext,
} from '../adapter.js';
import type { ChannelMessage } from '../message.js';
import { parseSlackEvents } from './events.js';
import { postToIncomingWebhook } from './incoming-webhook.js';
import { MethodThrottle } from './method-throttle.js';
import { type SlackMessagePart, slackMessageParts } from './mrkdwn.js';
import { verifySlackSignature } from './signature.js';
import { createSlackApi, type SlackApi } from './slack-api.js';
import { botTokenFor, type ResolvedSlackConfig, resolveSlackConfig } from './slack-config.js';

export interface SlackChannelOptions {
  /** The `channels` entry of type slack (env fallbacks apply). */
  config: unknown;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** Largest Events API body accepted; larger is 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Least time (ms) between chat.update calls per workspace. Default 1,200 (tier 3). */
  updateIntervalMs?: number;
  /** Makes the Web API client for a bot token (tests may wrap it). Default `createSlackApi`. */
  createApi?: (token: string, config: ResolvedSlackConfig) => SlackApi;
}

export interface SlackChannel extends ChannelAdapter {
  readonly config: ResolvedSlackConfig;
}

export const placeholderText = '_Working on it…_';

/**
 * @example
 * const slack = createSlackChannel({ config: { type: 'slack', features: ['progress_tracking', 'threading'] } });
 * const core = new ChannelCore({ store, adapters: [slack], useAgent });
 */
export function createSlackChannel(options: SlackChannelOptions): SlackChannel {
  const config = resolveSlackConfig(options.config, options.env);
  const now = options.now ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const throttle = new MethodThrottle(options.updateIntervalMs ?? 1_200, now);
  const createApi = options.createApi ?? ((token) => createSlackApi(token, { apiUrl: config.apiUrl }));

  return {
    channel: 'slack',
    config,
    async receive(request: ChannelRequest): Promise<ChannelReceipt> {
      if (config.outboundOnly) {
        throw new StewardError(
          'not-found',
          'this Slack channel is outbound-only (an incoming webhook): to take events, set `signingSecret` or SLACK_SIGNING_SECRET and a bot token or OAuth install',
        );
      }
      if (request.rawBody.byteLength > maxBodyBytes) {
        throw new StewardError('payload-too-large', `Slack request body over ${maxBodyBytes} bytes`);
      }
      verifySlackSignature({
        signingSecret: config.signingSecret,
        headers: request.headers,
        rawBody: request.rawBody,
        now: now(),
      });
      return parseSlackEvents(request.rawBody, now());
    },
    async openDelivery(message: ChannelMessage, context: DeliveryContext): Promise<Delivery> {
      const api = createApi(botTokenFor(config, context.binding.secret?.botToken), config);
      return openSlackDelivery(message, context, api, config, throttle);
    },
    async notify(notice, context) {
      // An incoming webhook (the binding's, else the entry's when there is no bot token) posts to its own
      // channel; `to` does not apply. Slack cannot be asked what a webhook posted, so a post whose answer
      // was lost may be repeated by a retry (at most once more per retry), never a part already recorded.
      const secret = context.binding.secret;
      const webhook = secret?.webhook ?? ((secret?.botToken ?? config.botToken) ? undefined : config.webhook);
      if (webhook !== undefined) {
        for (const [index, part] of slackMessageParts(notice.text).entries()) {
          await context.outbox.once(`${context.deliveryId}:slack-webhook:${index}`, {
            send: async () => {
              await postToIncomingWebhook(webhook, part);
              return `webhook:${index}`;
            },
            findSent: async () => undefined,
          });
        }
        return;
      }
      // A new message in the channel `to` (a channel id the app is in, or a user id for a DM), once.
      const api = createApi(botTokenFor(config, context.binding.secret?.botToken), config);
      const part = slackMessageParts(notice.text)[0] ?? { text: notice.text, blocks: [] };
      const idempotencyKey = `${context.deliveryId}:slack:0`;
      const oldest = String(Math.floor(now() / 1000) - 3_600);
      await context.outbox.once(idempotencyKey, {
        send: () => api.postMessage({ channel: notice.to, threadTs: undefined, part, idempotencyKey }),
        findSent: () => api.findPosted({ channel: notice.to, threadTs: undefined, oldest, idempotencyKey }),
      });
    },
  };
}

async function openSlackDelivery(
  message: ChannelMessage,
  context: DeliveryContext,
  api: SlackApi,
  config: ResolvedSlackConfig,
  throttle: MethodThrottle,
): Promise<Delivery> {
  const channel = required(message.reply.channel, 'channel');
  const messageTs = required(message.reply.messageTs, 'messageTs');
  const threadTs = config.threading ? required(message.reply.threadTs, 'threadTs') : undefined;
  const updateKey = `${message.reply.teamId ?? message.routeKey}:chat.update`;
  const post = (key: string, part: SlackMessagePart) => {
    const idempotencyKey = `${context.deliveryId}:${key}`;
    return context.outbox.once(idempotencyKey, {
      send: () => api.postMessage({ channel, threadTs, part, idempotencyKey }),
      findSent: () => api.findPosted({ channel, threadTs, oldest: messageTs, idempotencyKey }),
    });
  };
  const placeholderTs = config.progressTracking
    ? await post('placeholder', { text: placeholderText, blocks: [] })
    : undefined;

  let finished = false;
  let pendingStatus: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const flush = () => {
    timer = undefined;
    if (finished || pendingStatus === undefined || placeholderTs === undefined) return;
    const status = pendingStatus;
    pendingStatus = undefined;
    throttle.reserve(updateKey);
    // Progress is best effort: a failed update never fails the reply.
    inFlight = inFlight
      .then(() => api.update({ channel, ts: placeholderTs, part: { text: `_${status}_`, blocks: [] } }))
      .catch(() => {});
  };

  return {
    progress(status) {
      if (placeholderTs === undefined || finished) return;
      // Coalesced: only the latest status goes out when the workspace's next update slot opens.
      pendingStatus = status;
      timer ??= setTimeout(flush, throttle.delayOf(updateKey));
    },
    async finish(text) {
      finished = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      const parts = slackMessageParts(text);
      for (const [index, part] of parts.entries()) {
        if (index === 0 && placeholderTs !== undefined) {
          // Updating the placeholder is idempotent: a retry updates it again to the same text.
          await throttle.wait(updateKey);
          await api.update({ channel, ts: placeholderTs, part });
        } else {
          await post(`part:${index}`, part);
        }
      }
    },
  };
}

function required(value: string | undefined, name: string): string {
  if (!value)
    throw new StewardError('invalid-request', `the queued Slack message has no ${name} to reply to`);
  return value;
}
