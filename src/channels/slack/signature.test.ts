import { describe, expect, it } from 'vitest';
import { signSlackRequest, verifySlackSignature } from './signature.js';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const body = new TextEncoder().encode('token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather');
const now = 1_531_420_618_000;

describe('verifySlackSignature', () => {
  it('matches the example of Slack’s documentation', () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack (the worked example)
    expect(
      signSlackRequest(
        secret,
        1531420618,
        'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
      ),
    ).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });

  const headers = (timestamp: number, signature: string) => ({
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature,
  });

  it('accepts a fresh, valid signature and refuses a tampered body, a wrong secret, a stale or missing header', () => {
    const timestamp = now / 1000;
    const valid = signSlackRequest(secret, timestamp, body);
    expect(() =>
      verifySlackSignature({ signingSecret: secret, headers: headers(timestamp, valid), rawBody: body, now }),
    ).not.toThrow();
    const cases: Array<[Record<string, string | undefined>, Uint8Array, number]> = [
      [headers(timestamp, valid), new TextEncoder().encode('token=other'), now],
      [headers(timestamp, signSlackRequest('another-secret', timestamp, body)), body, now],
      [headers(timestamp, valid), body, now + 301_000],
      [headers(timestamp, valid), body, now - 301_000],
      [{ 'x-slack-signature': valid }, body, now],
      [{ 'x-slack-request-timestamp': String(timestamp) }, body, now],
      [headers(timestamp, `${valid.slice(0, -1)}0`), body, now],
      [headers(timestamp, 'v0=short'), body, now],
      // Only Slack's exact form matches: lowercase hex after `v0=`, nothing before or after.
      [headers(timestamp, valid.toUpperCase()), body, now],
      [headers(timestamp, `v1=${valid.slice(3)}`), body, now],
      [headers(timestamp, `${valid}0`), body, now],
      [headers(timestamp, `${valid.slice(0, -2)}zz`), body, now],
      [{ 'x-slack-request-timestamp': '1e9', 'x-slack-signature': valid }, body, now],
      // The same instant written with a leading zero is another base string: Slack signed the header as sent.
      [headers(timestamp, valid), body, now].map((value, index) =>
        index === 0
          ? { ...(value as Record<string, string>), 'x-slack-request-timestamp': `0${timestamp}` }
          : value,
      ) as [Record<string, string>, Uint8Array, number],
    ];
    for (const [caseHeaders, rawBody, at] of cases) {
      expect(() =>
        verifySlackSignature({ signingSecret: secret, headers: caseHeaders, rawBody, now: at }),
      ).toThrow(expect.objectContaining({ code: 'invalid-signature', status: 401 }));
    }
  });
});
