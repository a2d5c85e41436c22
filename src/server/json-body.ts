/** JSON request bodies: content type (415), size limit (413, also for chunked bodies), syntax (400), shape (400). */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { StewardError } from '../errors/index.js';
import { invalidRequestFromZod } from './http-errors.js';

const jsonMediaType = /^application\/(?:[\w.+-]+\+)?json$/i;

/** 415 unless the request says its body is JSON (`application/json`, optionally with a charset, or `*+json`). */
export function requireJsonBody(): MiddlewareHandler {
  return async (c, next) => {
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (!jsonMediaType.test(mediaType)) {
      throw new StewardError(
        'unsupported-media-type',
        `send the body as JSON with "Content-Type: application/json"${mediaType ? `, not "${mediaType}"` : ''}`,
        { details: { received: mediaType || null } },
      );
    }
    await next();
  };
}

/**
 * 413 once the body passes `maxBytes`. Hono's bodyLimit trusts Content-Length when there is one (Node's
 * parser enforces it) and otherwise counts the bytes of the stream as they arrive, so a chunked body is
 * cut off at the limit instead of being buffered whole.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new StewardError(
      'payload-too-large',
      `the request body is larger than the limit of ${maxBytes} bytes`,
      {
        details: { limitBytes: maxBytes },
      },
    );
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    // Decided from the headers alone when the length is declared: hono's bodyLimit asks for
    // `c.req.raw.body` first, which makes @hono/node-server build a whole web Request and stream (about a
    // tenth of a webhook's acknowledgement under load) where the body is otherwise read straight from Node.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number.parseInt(length, 10) > maxBytes) tooLarge();
      return next();
    }
    return streamed(c, next);
  };
}

/** Parses the body as JSON and checks it against `schema`; the 400 names the offending field. */
export async function readJsonBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
): Promise<z.output<Schema>> {
  const text = await c.req.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StewardError(
      'invalid-request',
      `the body is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw invalidRequestFromZod(result.error, parsed, 'body');
  return result.data;
}
