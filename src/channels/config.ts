/** The `channels` and `messageHandling` sections of the ClaudeAgent config. */
import { z } from 'zod';
import { durationSchema } from '../config/index.js';

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

/** Outbound SMTP relay; each field falls back to an environment variable (`email/email-config.ts`). */
export const smtpSchema = z
  .object({
    /** Falls back to `STEWARD_SMTP_HOST`. */
    host: z.string().min(1).optional(),
    /** Default 587 (465 with `secure`); falls back to `STEWARD_SMTP_PORT`. */
    port: z.number().int().min(1).max(65535).optional(),
    /** TLS from the first byte (port 465); falls back to `STEWARD_SMTP_SECURE=true`. */
    secure: z.boolean().optional(),
    /** Falls back to `STEWARD_SMTP_USER` / `STEWARD_SMTP_PASSWORD`. */
    auth: z
      .object({ user: z.string().min(1), pass: z.string().min(1) })
      .strict()
      .optional(),
    /** Refuse to send without STARTTLS. Default false. */
    requireTls: z.boolean().optional(),
  })
  .strict();

export const emailChannelSchema = z
  .object({
    type: z.literal('email'),
    /** The outbound relay (nodemailer SMTP transport). */
    smtp: smtpSchema.optional(),
    /** The From of replies, e.g. `Acme <orders@acme.example>`; falls back to `STEWARD_EMAIL_FROM`. */
    from: z.string().min(1).optional(),
    /** The inbound address customers write to (routes mail to this agent); falls back to `STEWARD_EMAIL_ADDRESS`. */
    address: z.email().optional(),
    /** Inbound: the SMTP listener and/or Mailgun's route webhook. */
    inbound: z
      .object({
        /**
         * The SMTP listener `steward serve` starts (mail routed by recipient address to each agent bound to
         * it); `STEWARD_SMTP_LISTEN_PORT` alone turns it on too.
         */
        smtp: z
          .object({
            /** Default 127.0.0.1 (`0.0.0.0` takes mail from the internet); falls back to `STEWARD_SMTP_LISTEN_HOST`. */
            host: z.string().min(1).optional(),
            /** Default 2525 (0: any free port); falls back to `STEWARD_SMTP_LISTEN_PORT`. */
            port: z.number().int().min(0).max(65535).optional(),
            /** Largest message taken (SIZE; a larger one gets 552). Default 25 MiB; falls back to `STEWARD_SMTP_MAX_MESSAGE_BYTES`. */
            maxMessageBytes: z.number().int().positive().optional(),
            /**
             * Offer STARTTLS with this key and certificate (PEM files, read when the listener starts), as
             * sending mail servers expect on port 25; falls back to `STEWARD_SMTP_TLS_KEY_FILE` and
             * `STEWARD_SMTP_TLS_CERT_FILE`. Absent: plain SMTP (loopback, or behind a TLS-terminating proxy).
             */
            tls: z
              .object({
                keyFile: z.string().min(1),
                certFile: z.string().min(1),
                /** Refuse mail on a session that has not said STARTTLS (530); default false (opportunistic TLS). */
                required: z.boolean().optional(),
              })
              .strict()
              .optional(),
          })
          .strict()
          .optional(),
        /** Mailgun's webhook signing key; falls back to `MAILGUN_WEBHOOK_SIGNING_KEY`. */
        mailgun: z
          .object({ signingKey: z.string().min(1).optional() })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    /** Largest attachment kept in or sent out, in bytes. Default 10 MiB. */
    maxAttachmentBytes: z.number().int().positive().optional(),
    features,
  })
  .strict();

export const smsChannelSchema = z
  .object({
    type: z.literal('sms'),
    provider: z.enum(['twilio']).default('twilio'),
    /** Falls back to `TWILIO_ACCOUNT_SID`. */
    accountSid: z.string().min(1).optional(),
    /** Falls back to `TWILIO_AUTH_TOKEN`. */
    authToken: z.string().min(1).optional(),
    /** The tenant's number (E.164); falls back to `TWILIO_PHONE_NUMBER`. */
    from: z.string().min(1).optional(),
    /** The webhook URL as configured at Twilio (what it signs); falls back to `STEWARD_SMS_PUBLIC_URL`. */
    publicUrl: z.string().url().optional(),
    /** Twilio's API origin; tests point it at a local server. Falls back to `TWILIO_API_URL`, then Twilio's. */
    apiUrl: z.string().url().optional(),
    /** `short_responses`: the most segments a reply may take. Default 3. */
    maxSegments: z.number().int().min(1).max(10).optional(),
    /** The answer to HELP / INFO. */
    helpText: z.string().min(1).max(320).optional(),
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
    /**
     * With `maintainContext`, a channel conversation (Slack thread, email thread, number pair) idle longer
     * than this starts afresh: the next message begins a new SDK session. `30m`, `12h`, `7d` …; default `7d`.
     */
    contextTtl: durationSchema.optional(),
    /**
     * Tell a person when a message of at least `minLevel` arrives (needs `detectUrgency`): through one of
     * the agent's channels, sent once through the outbox. `to` (an address, a number, a Slack channel id)
     * falls back to `STEWARD_URGENCY_NOTIFY_TO`.
     */
    urgencyNotify: z
      .object({
        minLevel: z.enum(['high', 'critical']).default('high'),
        channel: z.enum(['email', 'slack', 'sms']),
        /** Who is told; env `STEWARD_URGENCY_NOTIFY_TO`. Not needed when the agent's Slack entry is only an incoming webhook (it posts to its own channel). */
        to: z.string().min(1).max(320).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ChannelConfig = z.input<typeof channelConfigSchema>;
export type MessageHandlingConfig = z.input<typeof messageHandlingConfigSchema>;
export type ResolvedMessageHandlingConfig = z.output<typeof messageHandlingConfigSchema>;
