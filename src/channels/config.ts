/** The `channels` and `messageHandling` sections of the ClaudeAgent config. */
import { z } from 'zod';

const features = z.array(z.string().min(1)).default([]);

export const slackChannelSchema = z
  .object({
    type: z.literal('slack'),
    /** Incoming-webhook URL for outbound messages (optional when a bot token is used). */
    webhook: z.string().url().optional(),
    signingSecret: z.string().min(1).optional(),
    botToken: z.string().min(1).optional(),
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
