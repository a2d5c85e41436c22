/**
 * A local HTTP server speaking Slack's incoming-webhook wire format: a JSON POST to the webhook's secret
 * path is answered `200 ok`; an unknown path `404 no_service`; a body that is not JSON with `text` or
 * `blocks` `400 invalid_payload` (or `no_text`). The next answers can be scripted (`410 channel_is_archived`,
 * `429` with Retry-After …).
 *
 *   const hook = await startSlackIncomingWebhook();
 *   await postToIncomingWebhook(hook.url, { text: 'hi', blocks: [] });
 *   hook.posts[0].body.text
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookPost {
  contentType: string | undefined;
  body: { text?: string; blocks?: unknown[] };
}

export interface SlackIncomingWebhook {
  /** The webhook URL (`http://127.0.0.1:<port>/services/T…/B…/<secret>`). */
  url: string;
  /** Posts it answered `ok`. */
  posts: WebhookPost[];
  /** Every request, answered or not. */
  requests: number;
  /** Answers the next request with this instead (then back to normal). */
  answerNext(status: number, text: string, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startSlackIncomingWebhook(): Promise<SlackIncomingWebhook> {
  const path = '/services/T0ACME/B0HOOK/x2Yq8secretPart0000000';
  const posts: WebhookPost[] = [];
  const scripted: Array<{ status: number; text: string; headers: Record<string, string> }> = [];
  const state = { requests: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.requests++;
      const answer = (status: number, text: string, headers: Record<string, string> = {}) =>
        response.writeHead(status, { 'content-type': 'text/html', ...headers }).end(text);
      const next = scripted.shift();
      if (next) return answer(next.status, next.text, next.headers);
      if (request.method !== 'POST' || request.url !== path) return answer(404, 'no_service');
      let body: WebhookPost['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPost['body'];
      } catch {
        return answer(400, 'invalid_payload');
      }
      if (typeof body !== 'object' || body === null) return answer(400, 'invalid_payload');
      if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) return answer(400, 'no_text');
      posts.push({ contentType: request.headers['content-type'], body });
      answer(200, 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    posts,
    get requests() {
      return state.requests;
    },
    answerNext(status, text, headers = {}) {
      scripted.push({ status, text, headers });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
