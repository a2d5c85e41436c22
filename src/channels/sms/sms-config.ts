/** The `sms` channel config resolved once: each secret from the config or its environment variable, or an error listing both ways. */
import type { z } from 'zod';
import { type ConfigIssue, InvalidConfigError } from '../../errors/index.js';
import type { smsChannelSchema } from '../config.js';
import type { SmsWebhookConfig } from './sms-webhook.js';
import type { TwilioSenderConfig } from './twilio-sender.js';

export type SmsChannelConfig = z.output<typeof smsChannelSchema>;

export interface ResolvedSmsChannel {
  sender: TwilioSenderConfig;
  webhook: SmsWebhookConfig;
}

/** Segments a reply may take when `short_responses` is on and `maxSegments` is not given. */
export const DEFAULT_MAX_SEGMENTS = 3;

const sources = {
  accountSid: {
    env: 'TWILIO_ACCOUNT_SID',
    where: 'Twilio Console → Account info → Account SID (starts with AC)',
  },
  authToken: { env: 'TWILIO_AUTH_TOKEN', where: 'Twilio Console → Account info → Auth Token' },
  from: { env: 'TWILIO_PHONE_NUMBER', where: "the tenant's Twilio number in E.164, e.g. +14155550100" },
  publicUrl: {
    env: 'STEWARD_SMS_PUBLIC_URL',
    where:
      "the number's Messaging webhook URL exactly as set at Twilio, e.g. https://steward.example.com/channels/twilio/sms",
  },
} as const;

/**
 * @example
 * const { sender, webhook } = resolveSmsChannel(parsedChannel, process.env);
 * // InvalidConfigError: channels.sms.authToken: expected the option `authToken`, or the environment variable TWILIO_AUTH_TOKEN (…)
 */
export function resolveSmsChannel(
  config: SmsChannelConfig,
  environment: Record<string, string | undefined> = process.env,
  path = 'channels.sms',
): ResolvedSmsChannel {
  const issues: ConfigIssue[] = [];
  const value = (name: keyof typeof sources): string => {
    const given = config[name] ?? nonEmpty(environment[sources[name].env]);
    if (given === undefined) {
      issues.push({
        path: `${path}.${name}`,
        received: 'nothing',
        expected: `the option \`${name}\` in the channel config, or the environment variable ${sources[name].env} (${sources[name].where})`,
      });
      return '';
    }
    return given;
  };
  const accountSid = value('accountSid');
  const authToken = value('authToken');
  const from = value('from');
  const publicUrl = value('publicUrl');
  if (issues.length > 0) throw new InvalidConfigError(issues, 'sms channel config');
  const apiUrl = config.apiUrl ?? nonEmpty(environment.TWILIO_API_URL);
  const shortResponses = config.features.includes('short_responses');
  return {
    sender: {
      accountSid,
      authToken,
      from,
      ...(apiUrl === undefined ? {} : { apiUrl }),
      ...(shortResponses ? { maxSegments: config.maxSegments ?? DEFAULT_MAX_SEGMENTS } : {}),
    },
    webhook: {
      authToken,
      publicUrl,
      ...(config.helpText === undefined ? {} : { helpText: config.helpText }),
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
