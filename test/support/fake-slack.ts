/**
 * A local HTTP server that speaks the part of Slack's Web API the channel uses: chat.postMessage,
 * chat.update, conversations.replies / history (with message metadata), oauth.v2.access and auth.test.
 * It records every call, checks bot tokens, can answer 429 with Retry-After, and can accept a post and
 * never answer (the provider accepted it; the caller never learns it did).
 *
 *   const slack = await startFakeSlack({ tokens: ['xoxb-1'] });
 *   createSlackApi('xoxb-1', { apiUrl: slack.apiUrl });
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  text: string;
  blocks: unknown[] | undefined;
  metadata: { event_type: string; event_payload: Record<string, unknown> } | undefined;
  /** How many times chat.update changed it. */
  updates: number;
  token: string;
}

export interface FakeSlackCall {
  method: string;
  token: string | undefined;
  params: Record<string, unknown>;
  at: number;
}

export interface FakeSlack {
  apiUrl: string;
  calls: FakeSlackCall[];
  messages: FakeSlackMessage[];
  /** Answers the next `count` calls of `method` with 429 and `Retry-After: retryAfterSeconds`. */
  rateLimitNext(method: string, count: number, retryAfterSeconds: number): void;
  /** Accepts the next call of `method` and never answers it. */
  acceptAndHangNext(method: string): void;
  /** What oauth.v2.access answers for a code. */
  installations: Map<string, Record<string, unknown>>;
  tokens: Set<string>;
  callsOf(method: string): FakeSlackCall[];
  close(): Promise<void>;
}

export async function startFakeSlack(options: { tokens?: string[] } = {}): Promise<FakeSlack> {
  const calls: FakeSlackCall[] = [];
  const messages: FakeSlackMessage[] = [];
  const limited = new Map<string, { count: number; retryAfter: number }>();
  const hang = new Set<string>();
  const hanging: ServerResponse[] = [];
  const installations = new Map<string, Record<string, unknown>>();
  const tokens = new Set(options.tokens ?? []);
  let sequence = 0;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const method = (request.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const params = parseParams(request.headers['content-type'] ?? '', Buffer.concat(chunks).toString('utf8'));
    const authorization = request.headers.authorization;
    const token = authorization?.startsWith('Bearer ')
      ? authorization.slice(7)
      : (params.token as string | undefined);
    calls.push({ method, token, params, at: Date.now() });
    const limit = limited.get(method);
    if (limit && limit.count > 0) {
      limit.count--;
      response.writeHead(429, {
        'retry-after': String(limit.retryAfter),
        'content-type': 'application/json',
      });
      response.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const answer = (body: Record<string, unknown>) => {
      if (hang.delete(method)) {
        hanging.push(response);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (method === 'oauth.v2.access') {
      const installation = installations.get(String(params.code));
      answer(installation ? { ok: true, ...installation } : { ok: false, error: 'invalid_code' });
      return;
    }
    if (!token || !tokens.has(token)) {
      answer({ ok: false, error: 'invalid_auth' });
      return;
    }
    switch (method) {
      case 'auth.test':
        answer({ ok: true, team_id: 'T-FAKE', user_id: 'U-BOT', bot_id: 'B-BOT' });
        return;
      case 'chat.postMessage': {
        sequence++;
        const ts = `1700000000.${String(sequence).padStart(6, '0')}`;
        messages.push({
          channel: String(params.channel),
          ts,
          threadTs: typeof params.thread_ts === 'string' ? params.thread_ts : undefined,
          text: String(params.text ?? ''),
          blocks: params.blocks as unknown[] | undefined,
          metadata: params.metadata as FakeSlackMessage['metadata'],
          updates: 0,
          token,
        });
        answer({ ok: true, channel: params.channel, ts });
        return;
      }
      case 'chat.update': {
        const message = messages.find(
          (candidate) => candidate.channel === params.channel && candidate.ts === params.ts,
        );
        if (!message) {
          answer({ ok: false, error: 'message_not_found' });
          return;
        }
        message.text = String(params.text ?? '');
        message.blocks = params.blocks as unknown[] | undefined;
        message.updates++;
        answer({ ok: true, channel: message.channel, ts: message.ts });
        return;
      }
      case 'conversations.replies':
      case 'conversations.history': {
        const withMetadata = params.include_all_metadata === 'true' || params.include_all_metadata === true;
        const found = messages
          .filter((message) => message.channel === params.channel)
          .filter((message) =>
            method === 'conversations.replies'
              ? message.threadTs === params.ts || message.ts === params.ts
              : message.threadTs === undefined && message.ts > String(params.oldest ?? '0'),
          )
          .map((message) => ({
            type: 'message',
            ts: message.ts,
            text: message.text,
            ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
            ...(withMetadata && message.metadata ? { metadata: message.metadata } : {}),
          }));
        answer({ ok: true, messages: found, has_more: false });
        return;
      }
      default:
        answer({ ok: false, error: 'unknown_method' });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    messages,
    installations,
    tokens,
    rateLimitNext(method, count, retryAfter) {
      limited.set(method, { count, retryAfter });
    },
    acceptAndHangNext(method) {
      hang.add(method);
    },
    callsOf: (method) => calls.filter((call) => call.method === method),
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseParams(contentType: string, body: string): Record<string, unknown> {
  if (contentType.includes('application/json'))
    return body ? (JSON.parse(body) as Record<string, unknown>) : {};
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    // The client JSON-encodes nested values (blocks, metadata) in a form body.
    params[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return params;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
