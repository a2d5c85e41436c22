/**
 * The Keys API, admin only: `POST /api/keys` creates a key and shows its token once, `GET /api/keys`
 * lists keys (never a token or hash), `DELETE /api/keys/:id` revokes one on every instance.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { parseInstant } from '../config/index.js';
import { type ApiKeyService, keyNotFound, keyRequestSchema } from '../fleet/index.js';
import { actorOf, requireAction } from './auth.js';
import { limitBody, readJsonBody, requireJsonBody } from './json-body.js';

const createBodySchema = keyRequestSchema.extend({
  /** ISO 8601 or epoch milliseconds. */
  expiresAt: z
    .union([z.number().int().positive(), z.string()])
    .transform((value, context) => {
      const parsed = typeof value === 'number' ? value : parseInstant(value);
      if (parsed !== undefined) return parsed;
      context.addIssue({
        code: 'custom',
        message: 'must be an ISO 8601 time (e.g. 2025-01-31T00:00:00Z) or epoch milliseconds',
      });
      return z.NEVER;
    })
    .optional(),
});

/** The routes `registerKeyRoutes` serves, each requiring `keys:manage`. */
export const keyRoutes = [
  { method: 'POST', path: '/api/keys' },
  { method: 'GET', path: '/api/keys' },
  { method: 'DELETE', path: '/api/keys/:id' },
] as const;

export interface KeyRoutesOptions {
  keys: ApiKeyService;
  /** Largest accepted body of `POST /api/keys`; default 16 KiB. */
  bodyLimitBytes?: number;
}

/**
 * @example
 * registerKeyRoutes(app, { keys });
 * // POST /api/keys { "name": "front desk", "role": "chat", "tenants": ["acme"] } → 201 { id, token, key }
 */
export function registerKeyRoutes<Env extends object>(
  app: Hono<Env & { Variables: object }>,
  options: KeyRoutesOptions,
): void {
  const { keys } = options;
  const manage = requireAction('keys:manage');

  app.post(
    '/api/keys',
    manage,
    requireJsonBody(),
    limitBody(options.bodyLimitBytes ?? 16 * 1024),
    async (c) => {
      const body = await readJsonBody(c, createBodySchema);
      const { key, token } = await keys.create(body, actorOf(c));
      // The only time the token exists outside its holder: no cache may keep the response.
      c.header('cache-control', 'no-store');
      return c.json({ id: key.id, token, key }, 201);
    },
  );

  app.get('/api/keys', manage, async (c) => c.json({ keys: await keys.list() }, 200));

  app.delete('/api/keys/:id', manage, async (c) => {
    const id = c.req.param('id');
    if (!/^[0-9a-z]{1,32}$/.test(id)) throw keyNotFound(id.slice(0, 64));
    const revoked = await keys.revoke(id, actorOf(c));
    return c.json(revoked, 200);
  });
}
