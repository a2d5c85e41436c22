/**
 * A Twilio SMS webhook as Twilio sends it: form-encoded, signed with the account's auth token over the
 * public URL (the `twilio` package's own signature), each with a new MessageSid. For channel tests.
 */
import twilio from 'twilio';
import type { ChannelRequest } from '../../src/channels/index.js';

export interface SignedSmsAccount {
  accountSid: string;
  authToken: string;
  /** The URL Twilio signs (the channel's `publicUrl`). */
  publicUrl: string;
}

let sequence = 0;

/**
 * @example
 * await core.receive('sms', signedSms(account, { from: customer, to: acmeNumber, body: 'hello' }));
 */
export function signedSms(
  account: SignedSmsAccount,
  message: { from: string; to: string; body: string },
): ChannelRequest {
  sequence++;
  const params: Record<string, string> = {
    MessageSid: `SM${sequence.toString(16).padStart(32, '0')}`,
    AccountSid: account.accountSid,
    From: message.from,
    To: message.to,
    Body: message.body,
    NumMedia: '0',
  };
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(account.authToken, account.publicUrl, params),
    },
    rawBody: new TextEncoder().encode(new URLSearchParams(params).toString()),
    url: 'http://localhost/channels/twilio/sms',
  };
}
