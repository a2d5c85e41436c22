/** The `channels` and `messageHandling` sections of the ClaudeAgent config. */
import { z } from 'zod';

const features = z.array(z.string().min(1)).default([]);

export const slackChannelSchema = z
  .object({
    type: z.literal('slack'),
    /** Incoming-webhook URL for outbound-only messages (optional when a bot token is used); env `SLACK_WEBHOOK`. */
    webhook: z.string().url().optional(),
    /** Verifies every Events API request (v0 HMAC-SHA256); env `SLACK_SIGNING_SECRET`. */
    signingSecret: z.string().min(1).optional(),
    /** A single workspace's bot token (`xoxb-…`); env `SLACK_BOT_TOKEN`. Installed workspaces use their own. */
    botToken: z.string().min(1).optional(),
    /** OAuth v2 install (many workspaces): the app's client id and secret; env `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`. */
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    /** Signs install links and OAuth state; env `SLACK_STATE_SECRET`, default the signing secret. */
    stateSecret: z.string().min(16).optional(),
    /** Bot scopes asked for at install; default app_mentions:read, chat:write, im:history, channels:history, groups:history. */
    scopes: z.array(z.string().min(1)).optional(),
    /** Where Slack sends the browser back after install (`https://…/channels/slack/oauth/callback`); env `SLACK_REDIRECT_URL`. */
    redirectUrl: z.string().url().optional(),
    /** Slack's Web API base URL; default `https://slack.com/api/` (tests point it at a local server); env `SLACK_API_URL`. */
    apiUrl: z.string().url().optional(),
    /** Where install sends the browser (default `https://slack.com/oauth/v2/authorize`). */
    authorizeUrl: z.string().url().optional(),
    /** progress_tracking: a placeholder updated as tools run; threading: replies in the message's thread (default on). */
    features,
  })
  .strict();

export const emailChannelSchema = z
  .object({
    type: z.literal('email'),
    /** nodemailer SMTP transport options (host, port, auth …). */
    smtp: z.record(z.string(), z.unknown()).optional(),
    from: z.string().min(1).optional(),
    features,
  })
  .strict();

export const smsChannelSchema = z
  .object({
    type: z.literal('sms'),
    provider: z.enum(['twilio']).default('twilio'),
    accountSid: z.string().min(1).optional(),
    authToken: z.string().min(1).optional(),
    from: z.string().min(1).optional(),
    features,
  })
  .strict();

export const channelConfigSchema = z.discriminatedUnion('type', [
  slackChannelSchema,
  emailChannelSchema,
  smsChannelSchema,
]);

export const messageHandlingConfigSchema = z
  .object({
    normalizeInput: z.boolean().default(true),
    detectUrgency: z.boolean().default(false),
    /** Continue a conversation's SDK session on the next message (any instance can resume it). */
    maintainContext: z.boolean().default(false),
  })
  .strict();

export type ChannelConfig = z.input<typeof channelConfigSchema>;
export type MessageHandlingConfig = z.input<typeof messageHandlingConfigSchema>;
export type ResolvedMessageHandlingConfig = z.output<typeof messageHandlingConfigSchema>;
