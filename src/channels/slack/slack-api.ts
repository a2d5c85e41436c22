/**
 * The subset of Slack's Web API the channel uses, through `@slack/web-api` (the only importer of Slack's
 * packages, with oauth below). The client never retries by itself: a post it retried after a lost
 * response could appear twice, so a rate limit (429) is waited out here (Retry-After) and any other
 * failure goes back to the queue, whose retry asks Slack first whether the post arrived (by metadata).
 */
import type * as SlackWebApi from '@slack/web-api';
import type { WebClient } from '@slack/web-api';
import { StewardError } from '../../errors/index.js';
import { lazyRequire } from '../../loading/index.js';
import type { SlackMessagePart } from './mrkdwn.js';

// Loaded on first use: a server without this channel never loads the package.
const slackWebApi = lazyRequire<typeof SlackWebApi>('@slack/web-api');

/** The event type of the metadata every post carries: its idempotency key, so a retry can find it. */
export const replyMetadataType = 'steward_reply';

export interface SlackApi {
  /** Posts a message; resolves with its `ts`. */
  postMessage(input: {
    channel: string;
    threadTs: string | undefined;
    part: SlackMessagePart;
    idempotencyKey: string;
  }): Promise<string>;
  update(input: { channel: string; ts: string; part: SlackMessagePart }): Promise<void>;
  /** The `ts` of a message this app posted under `idempotencyKey` in a thread (or after `oldest` in a channel). */
  findPosted(input: {
    channel: string;
    threadTs: string | undefined;
    oldest: string;
    idempotencyKey: string;
  }): Promise<string | undefined>;
}

export interface SlackApiOptions {
  apiUrl: string;
  /** Waits for a rate limit at most this many times per call before failing. Default 3. */
  maxRateLimitWaits?: number;
  /** Longest Retry-After (s) waited out; a longer one fails the call (the queue retries later). Default 30. */
  maxRetryAfterSeconds?: number;
  timeoutMs?: number;
}

function clientFor(token: string | undefined, options: SlackApiOptions): WebClient {
  return new (slackWebApi().WebClient)(token, {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
    allowAbsoluteUrls: false,
  });
}

async function withRateLimits<Result>(
  options: SlackApiOptions,
  call: () => Promise<Result>,
): Promise<Result> {
  const maxWaits = options.maxRateLimitWaits ?? 3;
  for (let waits = 0; ; waits++) {
    try {
      return await call();
    } catch (error) {
      const retryAfter = rateLimitOf(error);
      if (
        retryAfter === undefined ||
        waits >= maxWaits ||
        retryAfter > (options.maxRetryAfterSeconds ?? 30)
      ) {
        throw slackFailure(error);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, retryAfter) * 1000));
    }
  }
}

function rateLimitOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const coded = error as { code?: unknown; retryAfter?: unknown };
  return coded.code === slackWebApi().ErrorCode.RateLimitedError && typeof coded.retryAfter === 'number'
    ? coded.retryAfter
    : undefined;
}

function slackFailure(error: unknown): StewardError {
  const coded = error as { code?: unknown; data?: { error?: unknown } };
  const detail =
    coded.code === slackWebApi().ErrorCode.PlatformError
      ? String(coded.data?.error)
      : error instanceof Error
        ? error.message
        : String(error);
  return new StewardError('runtime-failed', `Slack Web API call failed: ${detail}`, { cause: error });
}

/**
 * @example
 * const api = createSlackApi('xoxb-…', { apiUrl: 'https://slack.com/api/' });
 * const ts = await api.postMessage({ channel: 'C1', threadTs: '1.2', part, idempotencyKey: 'job:part:0' });
 */
export function createSlackApi(token: string, options: SlackApiOptions): SlackApi {
  const client = clientFor(token, options);
  const blocksOf = (part: SlackMessagePart) => (part.blocks.length > 0 ? { blocks: part.blocks } : {});
  return {
    async postMessage({ channel, threadTs, part, idempotencyKey }) {
      const result = await withRateLimits(options, () =>
        client.chat.postMessage({
          channel,
          text: part.text,
          ...blocksOf(part),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          metadata: { event_type: replyMetadataType, event_payload: { idempotency_key: idempotencyKey } },
          unfurl_links: false,
        }),
      );
      if (!result.ts)
        throw new StewardError('runtime-failed', 'Slack accepted chat.postMessage without a ts');
      return result.ts;
    },
    async update({ channel, ts, part }) {
      await withRateLimits(options, () =>
        client.chat.update({ channel, ts, text: part.text, ...blocksOf(part) }),
      );
    },
    async findPosted({ channel, threadTs, oldest, idempotencyKey }) {
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const result = await withRateLimits(options, () =>
          threadTs
            ? client.conversations.replies({
                channel,
                ts: threadTs,
                include_all_metadata: true,
                limit: 200,
                ...(cursor ? { cursor } : {}),
              })
            : client.conversations.history({
                channel,
                oldest,
                include_all_metadata: true,
                limit: 200,
                ...(cursor ? { cursor } : {}),
              }),
        );
        for (const message of result.messages ?? []) {
          const metadata = (
            message as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }
          ).metadata;
          if (
            metadata?.event_type === replyMetadataType &&
            metadata.event_payload?.idempotency_key === idempotencyKey &&
            message.ts
          ) {
            return message.ts;
          }
        }
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!cursor) return undefined;
      }
      return undefined;
    },
  };
}

export interface SlackInstallation {
  teamId: string;
  teamName: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
  botToken: string;
  botUserId: string | undefined;
  appId: string | undefined;
}

/** Exchanges an OAuth v2 code for the workspace's bot token (`oauth.v2.access`). */
export async function exchangeOAuthCode(
  options: SlackApiOptions,
  input: { clientId: string; clientSecret: string; code: string; redirectUri: string | undefined },
): Promise<SlackInstallation> {
  const client = clientFor(undefined, options);
  const result = await withRateLimits(options, () =>
    client.oauth.v2.access({
      client_id: input.clientId,
      client_secret: input.clientSecret,
      code: input.code,
      ...(input.redirectUri ? { redirect_uri: input.redirectUri } : {}),
    }),
  );
  const teamId = result.team?.id;
  const botToken = result.access_token;
  if (!teamId && !result.enterprise?.id)
    throw new StewardError('runtime-failed', 'oauth.v2.access returned no team');
  if (!botToken || result.token_type !== 'bot')
    throw new StewardError('runtime-failed', 'oauth.v2.access returned no bot token');
  return {
    teamId: teamId ?? '',
    teamName: result.team?.name,
    enterpriseId: result.enterprise?.id,
    isEnterpriseInstall: result.is_enterprise_install === true,
    botToken,
    botUserId: result.bot_user_id,
    appId: result.app_id,
  };
}

/** The workspace a bot token belongs to (`auth.test`), as the route key its events carry (`team:T…`). */
export async function slackRouteKeyOfToken(token: string, options: SlackApiOptions): Promise<string> {
  const client = clientFor(token, options);
  const result = await withRateLimits(options, () => client.auth.test());
  if (result.is_enterprise_install === true && result.enterprise_id)
    return `enterprise:${result.enterprise_id}`;
  if (!result.team_id)
    throw new StewardError('runtime-failed', 'auth.test returned no team for the bot token');
  return `team:${result.team_id}`;
}
