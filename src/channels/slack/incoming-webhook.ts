/**
 * Posting to a Slack incoming webhook (an outbound-only URL bound to one channel): the JSON `{ text, blocks }`
 * Slack expects, its `ok` / error-string answers turned into typed errors that say what to fix, a 429 waited
 * out by its Retry-After. The URL is a secret (whoever holds it can post), so no error quotes it.
 */
import { StewardError } from '../../errors/index.js';
import type { SlackMessagePart } from './mrkdwn.js';

export interface IncomingWebhookOptions {
  /** Longest Retry-After (s) waited out; a longer one fails the post (the queue retries later). Default 30. */
  maxRetryAfterSeconds?: number;
  /** Rate-limited attempts before giving up. Default 3. */
  maxAttempts?: number;
  /** Per request. Default 10,000 ms. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Posts one message. Throws StewardError `invalid-request` for a payload Slack refused (400: invalid_payload,
 * no_text …), `invalid-config` for a webhook that no longer works (403 action_prohibited, 404 no_service or
 * channel_not_found, 410 channel_is_archived), `rate-limited` for a Retry-After over the limit, and
 * `runtime-failed` for anything else (5xx, network), which the queue retries.
 *
 * @example
 * await postToIncomingWebhook(process.env.SLACK_WEBHOOK!, { text: 'An urgent message came in', blocks: [] });
 */
export async function postToIncomingWebhook(
  url: string,
  part: SlackMessagePart,
  options: IncomingWebhookOptions = {},
): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const maxAttempts = options.maxAttempts ?? 3;
  const body = JSON.stringify(
    part.blocks.length > 0 ? { text: part.text, blocks: part.blocks } : { text: part.text },
  );
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    let answer: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      answer = (await response.text()).trim().slice(0, 200);
    } catch (error) {
      throw new StewardError(
        'runtime-failed',
        `the Slack incoming webhook could not be reached (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    }
    if (response.status === 200 && answer === 'ok') return;
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after') ?? '1');
      const seconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 1;
      if (attempt >= maxAttempts || seconds > (options.maxRetryAfterSeconds ?? 30)) {
        throw new StewardError(
          'rate-limited',
          `the Slack incoming webhook is rate limited (Retry-After ${seconds} s)`,
          {
            details: { retryAfterSeconds: seconds },
          },
        );
      }
      await sleep(seconds * 1000);
      continue;
    }
    throw webhookFailure(response.status, answer);
  }
}

function webhookFailure(status: number, answer: string): StewardError {
  const said = `Slack answered ${status} ${JSON.stringify(answer)}`;
  if (status === 400) {
    return new StewardError('invalid-request', `the Slack incoming webhook refused the message: ${said}`, {
      details: { slackError: answer },
    });
  }
  if (status === 403 || status === 404 || status === 410) {
    return new StewardError(
      'invalid-config',
      `the Slack incoming webhook no longer posts (${said}: revoked, its channel archived or deleted, or posting forbidden there); create a new one (your Slack app → Incoming Webhooks → Add New Webhook) and set \`webhook\` in the slack channels entry or SLACK_WEBHOOK`,
      { details: { slackError: answer } },
    );
  }
  return new StewardError('runtime-failed', `the Slack incoming webhook failed: ${said}`, {
    details: { slackError: answer },
  });
}
