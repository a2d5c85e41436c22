/** Optional bearer-token auth for the JSON API (`STEWARD_API_TOKEN`). */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { StewardError } from '../errors/index.js';
import { errorResponse } from './http-errors.js';

/**
 * Requires `Authorization: Bearer <token>`. Both sides are hashed first, so the comparison takes the
 * same time whatever the length or content of the guess.
 */
export function requireBearerToken(token: string): MiddlewareHandler {
  if (token.length === 0) throw new StewardError('invalid-config', 'the API token must not be empty');
  const expected = digest(token);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      const error = new StewardError(
        'unauthorized',
        match
          ? 'the API token is wrong; send the value of STEWARD_API_TOKEN as "Authorization: Bearer <token>"'
          : 'this API needs a token: send "Authorization: Bearer <token>" with the value of STEWARD_API_TOKEN',
      );
      return errorResponse(error, { 'www-authenticate': 'Bearer realm="steward"' });
    }
    await next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
