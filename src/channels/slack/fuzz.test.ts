import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StewardError } from '../../errors/index.js';
import { parseSlackEvents } from './events.js';
import { signSlackRequest, verifySlackSignature } from './signature.js';

const now = 1_780_000_000_000;
const thrownCode = (work: () => unknown): string | undefined => {
  try {
    work();
    return undefined;
  } catch (error) {
    if (!StewardError.isInstance(error)) throw error;
    return error.code;
  }
};

const eventLike = fc.record(
  {
    type: fc.oneof(fc.constantFrom('event_callback', 'url_verification', 'app_rate_limited'), fc.string()),
    team_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    event_id: fc.oneof(fc.string(), fc.integer()),
    enterprise_id: fc.oneof(fc.string(), fc.constant(null)),
    is_enterprise_install: fc.oneof(fc.boolean(), fc.string()),
    challenge: fc.oneof(fc.string(), fc.integer()),
    event: fc.oneof(
      fc.record(
        {
          type: fc.constantFrom('app_mention', 'message', 'reaction_added'),
          channel_type: fc.constantFrom('im', 'channel'),
          user: fc.oneof(fc.string(), fc.integer()),
          text: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          ts: fc.oneof(fc.string(), fc.double()),
          thread_ts: fc.string(),
          channel: fc.oneof(fc.string(), fc.array(fc.string())),
          bot_id: fc.string(),
          subtype: fc.string(),
          files: fc.oneof(fc.array(fc.jsonValue()), fc.string()),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    ),
  },
  { requiredKeys: [] },
);

describe('Slack parser and verifier under fuzz', () => {
  it('the parser returns drafts or throws invalid-request, nothing else, for any bytes or Slack-shaped JSON', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          eventLike.map((value) => new TextEncoder().encode(JSON.stringify(value))),
          fc.jsonValue().map((value) => new TextEncoder().encode(JSON.stringify(value))),
        ),
        (body) => {
          const code = thrownCode(() => {
            const receipt = parseSlackEvents(body, now);
            for (const draft of receipt.messages) {
              expect(typeof draft.text).toBe('string');
              expect(draft.routeKey).toMatch(/^(team|enterprise):./);
              expect(draft.reply.channel && draft.reply.threadTs).toBeTruthy();
            }
          });
          expect([undefined, 'invalid-request']).toContain(code);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('the verifier accepts only the exact signature of a fresh timestamp and throws only invalid-signature', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: -1_000, max: 1_000 }),
        fc.option(fc.string({ maxLength: 80 })),
        fc.option(fc.string({ maxLength: 20 })),
        (body, skewSeconds, forgedSignature, forgedTimestamp) => {
          const timestamp = Math.floor(now / 1000) + skewSeconds;
          const headers = {
            'x-slack-request-timestamp': forgedTimestamp ?? String(timestamp),
            'x-slack-signature': forgedSignature ?? signSlackRequest('secret', timestamp, body),
          };
          const code = thrownCode(() =>
            verifySlackSignature({ signingSecret: 'secret', headers, rawBody: body, now }),
          );
          const fresh = Math.abs(skewSeconds) <= 300;
          const genuine =
            fresh &&
            headers['x-slack-request-timestamp'] === String(timestamp) &&
            headers['x-slack-signature'] === signSlackRequest('secret', timestamp, body);
          expect(code).toBe(genuine ? undefined : 'invalid-signature');
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
