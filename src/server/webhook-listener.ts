/**
 * Channel webhooks served straight from Node's request, before Hono: a provider sends bursts of small
 * signed posts, and Hono's web Request and Response, its middleware chain and its response writer cost
 * about a fifth of an acknowledgement (0.21 → 0.17 ms of CPU, warm). The answers are the Hono routes' own
 * (status, body, error JSON, 413 by Content-Length or by counting a chunked body, the request metric);
 * those routes stay for `app.request` and any server that is not `startServer`.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ChannelCore } from '../channels/index.js';
import { StewardError } from '../errors/index.js';
import { toHttpError } from './http-errors.js';

/** Serves one webhook from Node's request and response. */
export type NodeWebhook = (request: IncomingMessage, response: ServerResponse) => void;

export interface NodeWebhookOptions {
  core: ChannelCore;
  channel: string;
  /** The route as the metrics label it (`/channels/slack/events`). */
  path: string;
  maxBodyBytes: number;
  observe: (method: string, route: string, status: number) => void;
  logError: (line: string, error: unknown) => void;
}

/**
 * @example
 * const webhook = createNodeWebhook({ core, channel: 'slack', path: '/channels/slack/events', maxBodyBytes, observe, logError });
 */
export function createNodeWebhook(options: NodeWebhookOptions): NodeWebhook {
  const { core, channel, path, maxBodyBytes } = options;
  const send = (
    response: ServerResponse,
    status: number,
    contentType: string,
    body: string,
    close = false,
  ) => {
    if (response.headersSent || response.destroyed) return;
    response.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      ...(close ? { connection: 'close' } : {}),
    });
    response.end(body);
    options.observe('POST', path, status);
  };
  const fail = (response: ServerResponse, error: unknown, close = false) => {
    const answer = toHttpError(error, `POST ${path}`, options.logError);
    const retryAfter = answer.details.retryAfterSeconds;
    if (typeof retryAfter === 'number') response.setHeader('retry-after', String(Math.ceil(retryAfter)));
    send(response, answer.status, 'application/json; charset=UTF-8', JSON.stringify(answer.toJSON()), close);
  };
  const tooLarge = () =>
    new StewardError(
      'payload-too-large',
      `the request body is larger than the limit of ${maxBodyBytes} bytes`,
      {
        details: { limitBytes: maxBodyBytes },
      },
    );

  return (request, response) => {
    const length = request.headers['content-length'];
    // Judged by its Content-Length alone when it has one (Node's parser holds the body to it), as limitBody does.
    if (
      length !== undefined &&
      request.headers['transfer-encoding'] === undefined &&
      /^\d+$/.test(length) &&
      Number(length) > maxBodyBytes
    ) {
      fail(response, tooLarge(), true);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let stopped = false;
    request.on('data', (chunk: Buffer) => {
      if (stopped) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        // A chunked body past the limit: answered at once, the rest not kept, the connection closed after.
        stopped = true;
        chunks.length = 0;
        fail(response, tooLarge(), true);
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', () => {
      stopped = true;
    });
    request.on('end', () => {
      if (stopped) return;
      const rawBody = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      core.receive(channel, { headers, rawBody, url: urlOf(request) }).then(
        (answer) => send(response, answer.status, answer.contentType, answer.body),
        (error: unknown) => fail(response, error),
      );
    });
  };
}

/** The request's URL as Hono's `c.req.url` has it (the Host header's host; `localhost` for a malformed one). */
function urlOf(request: IncomingMessage): string {
  const host = request.headers.host;
  const scheme = (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return `${scheme}://${host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? host : 'localhost'}${request.url ?? '/'}`;
}

/** `listener` with the webhooks (path → handler, POST only) taken out before it; the query string is not part of the path. */
export function withNodeWebhooks(
  listener: RequestListener,
  webhooks: ReadonlyMap<string, NodeWebhook>,
): RequestListener {
  if (webhooks.size === 0) return listener;
  return (request, response) => {
    if (request.method === 'POST' && request.url !== undefined) {
      const query = request.url.indexOf('?');
      const webhook = webhooks.get(query < 0 ? request.url : request.url.slice(0, query));
      if (webhook) {
        webhook(request, response);
        return;
      }
    }
    listener(request, response);
  };
}
