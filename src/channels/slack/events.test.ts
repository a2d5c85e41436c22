import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSlackEvents } from './events.js';

const fixture = JSON.parse(
  readFileSync(new URL('./__fixtures__/app-mention.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const withEvent = (event: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  encode({ ...fixture, ...extra, event: { ...(fixture.event as object), ...event } });
const now = 1_780_000_000_000;

describe('parseSlackEvents', () => {
  it('answers url_verification with its challenge', () => {
    expect(
      parseSlackEvents(encode({ type: 'url_verification', token: 't', challenge: 'abc123' }), now),
    ).toEqual({
      response: { status: 200, body: '{"challenge":"abc123"}', contentType: 'application/json' },
      messages: [],
    });
  });

  it('turns an app mention into a draft without the mention, to answer in its thread', () => {
    expect(parseSlackEvents(encode(fixture), now).messages).toEqual([
      {
        channel: 'slack',
        sender: { id: 'U123ABC456', provider: 'slack' },
        conversationKey: 'slack:T123ABC456:C123ABC456:1515449522.000016',
        text: 'is it everything a river should be?',
        attachments: [],
        urgency: 'normal',
        receivedAt: now,
        providerId: 'Ev123ABC456',
        routeKey: 'team:T123ABC456',
        reply: {
          channel: 'C123ABC456',
          threadTs: '1515449522.000016',
          messageTs: '1515449522.000016',
          teamId: 'T123ABC456',
        },
      },
    ]);
  });

  it('keeps a thread reply in its thread, a direct message, files as references, and routes an org install by enterprise', () => {
    const [threaded] = parseSlackEvents(withEvent({ thread_ts: '1515449000.000001' }), now).messages;
    expect(threaded?.reply.threadTs).toBe('1515449000.000001');
    expect(threaded?.conversationKey).toBe('slack:T123ABC456:C123ABC456:1515449000.000001');
    const [direct] = parseSlackEvents(
      withEvent({
        type: 'message',
        channel_type: 'im',
        channel: 'D1',
        text: 'a &lt;b&gt; &amp; c',
        files: [
          {
            name: 'menu.pdf',
            url_private: 'https://files.slack.com/menu.pdf',
            mimetype: 'application/pdf',
            size: 10,
          },
        ],
      }),
      now,
    ).messages;
    expect(direct).toMatchObject({
      text: 'a <b> & c',
      attachments: [
        {
          name: 'menu.pdf',
          url: 'https://files.slack.com/menu.pdf',
          contentType: 'application/pdf',
          sizeBytes: 10,
        },
      ],
    });
    const [org] = parseSlackEvents(
      withEvent({}, { enterprise_id: 'E1', is_enterprise_install: true }),
      now,
    ).messages;
    expect(org?.routeKey).toBe('enterprise:E1');
  });

  it('ignores bot messages (ours and others’), subtypes, channel messages that are not mentions, and other envelopes', () => {
    const ignored = [
      withEvent({ bot_id: 'B1' }),
      withEvent({ type: 'message', channel_type: 'im', bot_id: 'B-OURS', user: 'U-BOT' }),
      withEvent({ type: 'message', channel_type: 'im', subtype: 'message_changed' }),
      withEvent({ type: 'message', channel_type: 'channel' }),
      withEvent({ type: 'reaction_added' }),
      withEvent({ text: '<@U0LAN0Z89>' }),
      encode({ type: 'app_rate_limited', team_id: 'T1' }),
    ];
    for (const body of ignored) expect(parseSlackEvents(body, now).messages).toEqual([]);
  });

  it('refuses what is not Slack’s JSON with invalid-request (400)', () => {
    const malformed = [
      new TextEncoder().encode('not json'),
      new Uint8Array([0xff, 0xfe]),
      encode([1, 2]),
      encode('text'),
      encode({ type: 'url_verification' }),
      encode({ type: 'event_callback', team_id: 'T1', event: {} }),
      encode({ type: 'event_callback', event_id: 'Ev1', event: {} }),
      encode({ type: 'event_callback', event_id: 'Ev1', team_id: 'T1', event: 'x' }),
    ];
    for (const body of malformed) {
      expect(() => parseSlackEvents(body, now)).toThrow(
        expect.objectContaining({ code: 'invalid-request', status: 400 }),
      );
    }
  });
});
