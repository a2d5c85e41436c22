import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SlackIncomingWebhook,
  startSlackIncomingWebhook,
} from '../../../test/support/slack-incoming-webhook.js';
import { postToIncomingWebhook } from './incoming-webhook.js';
import { slackMessageParts } from './mrkdwn.js';

describe('postToIncomingWebhook (a local server speaking Slack’s incoming-webhook format)', () => {
  let hook: SlackIncomingWebhook;
  beforeAll(async () => {
    hook = await startSlackIncomingWebhook();
  });
  afterAll(async () => {
    await hook.close();
  });

  it('posts JSON { text, blocks } and takes Slack’s `ok`', async () => {
    const part = slackMessageParts('**Urgent**: a customer reports a *gas smell*')[0]!;
    await postToIncomingWebhook(hook.url, part);
    expect(hook.posts.at(-1)).toEqual({
      contentType: 'application/json; charset=utf-8',
      body: { text: part.text, ...(part.blocks.length > 0 ? { blocks: part.blocks } : {}) },
    });
  });

  it('turns Slack’s error strings into typed errors that say what to fix, never quoting the URL', async () => {
    const part = { text: 'x', blocks: [] };
    const cases: Array<[number, string, string, RegExp]> = [
      [
        400,
        'invalid_payload',
        'invalid-request',
        /refused the message: Slack answered 400 "invalid_payload"/,
      ],
      [403, 'action_prohibited', 'invalid-config', /no longer posts.*SLACK_WEBHOOK/],
      [404, 'no_service', 'invalid-config', /404 "no_service".*Add New Webhook/],
      [410, 'channel_is_archived', 'invalid-config', /410 "channel_is_archived"/],
      [500, 'rollup_error', 'runtime-failed', /failed: Slack answered 500 "rollup_error"/],
      [200, 'not ok', 'runtime-failed', /200 "not ok"/],
    ];
    for (const [status, text, code, message] of cases) {
      hook.answerNext(status, text);
      const failure = await postToIncomingWebhook(hook.url, part).catch((error: unknown) => error);
      expect(failure, `${status} ${text}`).toMatchObject({ code, details: { slackError: text } });
      expect((failure as Error).message).toMatch(message);
      expect((failure as Error).message).not.toContain('secretPart');
    }
    const unreachable = await postToIncomingWebhook('http://127.0.0.1:1/services/T/B/secretPart', part).catch(
      (error: unknown) => error,
    );
    expect(unreachable).toMatchObject({ code: 'runtime-failed' });
    expect((unreachable as Error).message).not.toContain('secretPart');
  });

  it('waits out a 429 by its Retry-After, and gives up on one past the limit', async () => {
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
    };
    const before = hook.posts.length;
    hook.answerNext(429, 'rate_limited', { 'retry-after': '2' });
    await postToIncomingWebhook(hook.url, { text: 'after the limit', blocks: [] }, { sleep });
    expect(slept).toEqual([2000]);
    expect(hook.posts.slice(before).map((post) => post.body.text)).toEqual(['after the limit']);
    hook.answerNext(429, 'rate_limited', { 'retry-after': '120' });
    await expect(postToIncomingWebhook(hook.url, { text: 'x', blocks: [] }, { sleep })).rejects.toMatchObject(
      { code: 'rate-limited', details: { retryAfterSeconds: 120 } },
    );
  });
});
