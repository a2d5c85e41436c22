/** The Slack channel's config resolved once: the `channels` entry, then environment fallbacks, then defaults. */
import { randomBytes } from 'node:crypto';
import { validateConfig } from '../../config/index.js';
import { StewardError } from '../../errors/index.js';
import { slackChannelSchema } from '../config.js';

export const defaultSlackScopes = [
  'app_mentions:read',
  'chat:write',
  'im:history',
  'channels:history',
  'groups:history',
] as const;

export interface ResolvedSlackConfig {
  /** Empty when `outboundOnly` (nothing is received, so nothing is verified). */
  signingSecret: string;
  /**
   * Only an incoming webhook (`webhook` / SLACK_WEBHOOK) and no signing secret, bot token or OAuth app:
   * the channel posts (urgency notices) and takes no events.
   */
  outboundOnly: boolean;
  botToken: string | undefined;
  webhook: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  stateSecret: string;
  scopes: string[];
  redirectUrl: string | undefined;
  apiUrl: string;
  authorizeUrl: string;
  progressTracking: boolean;
  threading: boolean;
}

/**
 * @example
 * const slack = resolveSlackConfig({ type: 'slack', features: ['progress_tracking', 'threading'] }, process.env);
 */
export function resolveSlackConfig(
  input: unknown,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedSlackConfig {
  const config = validateConfig(slackChannelSchema, input, 'channels[slack]');
  const pick = (value: string | undefined, name: string) =>
    value ?? (env[name] === '' ? undefined : env[name]);
  const signingSecret = pick(config.signingSecret, 'SLACK_SIGNING_SECRET');
  const webhook = pick(config.webhook, 'SLACK_WEBHOOK');
  const botToken = pick(config.botToken, 'SLACK_BOT_TOKEN');
  const outboundOnly =
    !signingSecret &&
    webhook !== undefined &&
    botToken === undefined &&
    pick(config.clientId, 'SLACK_CLIENT_ID') === undefined;
  if (!signingSecret && !outboundOnly) {
    throw new StewardError(
      'invalid-config',
      'Slack channel: no signing secret. Supply it in one of these ways: `signingSecret` in the channels entry ({ type: "slack", signingSecret: "…" }), or the SLACK_SIGNING_SECRET environment variable. Find it in your Slack app under Basic Information → App Credentials → Signing Secret. (An outbound-only channel needs none: give only `webhook` or SLACK_WEBHOOK, an incoming webhook URL.)',
    );
  }
  const clientId = pick(config.clientId, 'SLACK_CLIENT_ID');
  const clientSecret = pick(config.clientSecret, 'SLACK_CLIENT_SECRET');
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    throw new StewardError(
      'invalid-config',
      `Slack channel: OAuth install needs both the client id and the client secret; missing the ${clientId === undefined ? 'client id: `clientId` in the channels entry or SLACK_CLIENT_ID' : 'client secret: `clientSecret` in the channels entry or SLACK_CLIENT_SECRET'} (Basic Information → App Credentials).`,
    );
  }
  const apiUrl = pick(config.apiUrl, 'SLACK_API_URL') ?? 'https://slack.com/api/';
  const features = new Set(config.features);
  return {
    signingSecret: signingSecret ?? '',
    outboundOnly,
    botToken,
    webhook,
    clientId,
    clientSecret,
    // Outbound-only has no install; a secret nobody knows keeps a stray install link from verifying anyway.
    stateSecret:
      pick(config.stateSecret, 'SLACK_STATE_SECRET') ?? signingSecret ?? randomBytes(32).toString('hex'),
    scopes: config.scopes ?? [...defaultSlackScopes],
    redirectUrl: pick(config.redirectUrl, 'SLACK_REDIRECT_URL'),
    apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    authorizeUrl: config.authorizeUrl ?? 'https://slack.com/oauth/v2/authorize',
    progressTracking: features.has('progress_tracking'),
    // Replies go in the thread unless the features list is given without `threading`.
    threading: config.features.length === 0 || features.has('threading'),
  };
}

/** A bot token for a workspace: its installation's, else the single-workspace one; throws naming every way to supply one. */
export function botTokenFor(config: ResolvedSlackConfig, installed: string | undefined): string {
  const token = installed ?? config.botToken;
  if (!token) {
    throw new StewardError(
      'invalid-config',
      'Slack channel: no bot token for this workspace. Supply one in one of these ways: install the app into the workspace (GET /channels/slack/install, which stores its token encrypted), `botToken` in the channels entry, or the SLACK_BOT_TOKEN environment variable.',
    );
  }
  return token;
}
