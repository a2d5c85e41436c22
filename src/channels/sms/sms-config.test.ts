import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/index.js';
import { InvalidConfigError } from '../../errors/index.js';
import { smsChannelSchema } from '../config.js';
import { resolveSmsChannel } from './sms-config.js';

const parse = (input: Record<string, unknown>) => validateConfig(smsChannelSchema, { type: 'sms', ...input });

describe('resolveSmsChannel', () => {
  it('takes options first, then the environment; short_responses sets the segment budget', () => {
    const resolved = resolveSmsChannel(parse({ authToken: 'from-config', features: ['short_responses'] }), {
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: 'from-env',
      TWILIO_PHONE_NUMBER: '+14155550100',
      STEWARD_SMS_PUBLIC_URL: 'https://steward.example.com/channels/twilio/sms',
      TWILIO_API_URL: 'http://127.0.0.1:9999',
    });
    expect(resolved).toEqual({
      sender: {
        accountSid: 'AC123',
        authToken: 'from-config',
        from: '+14155550100',
        apiUrl: 'http://127.0.0.1:9999',
        maxSegments: 3,
      },
      webhook: { authToken: 'from-config', publicUrl: 'https://steward.example.com/channels/twilio/sms' },
    });
    expect(
      resolveSmsChannel(
        parse({ accountSid: 'AC1', authToken: 't', from: '+1', publicUrl: 'https://x.example/s' }),
        {},
      ).sender,
    ).not.toHaveProperty('maxSegments');
  });

  it('lists every missing secret with every way to supply it', () => {
    try {
      resolveSmsChannel(parse({ from: '+14155550100' }), { TWILIO_AUTH_TOKEN: '  ' });
      expect.unreachable();
    } catch (error) {
      expect(InvalidConfigError.isInstance(error)).toBe(true);
      const issues = (error as InvalidConfigError).issues;
      expect(issues.map((issue) => issue.path)).toEqual([
        'channels.sms.accountSid',
        'channels.sms.authToken',
        'channels.sms.publicUrl',
      ]);
      expect((error as Error).message).toContain(
        'the option `authToken` in the channel config, or the environment variable TWILIO_AUTH_TOKEN',
      );
      expect((error as Error).message).toContain('STEWARD_SMS_PUBLIC_URL');
    }
  });

  it('refuses unknown options and out-of-range segment budgets at validation', () => {
    expect(() => parse({ maxSegments: 0 })).toThrow(InvalidConfigError);
    expect(() => parse({ authtoken: 'typo' })).toThrow(/unknown option "authtoken"/);
  });
});
