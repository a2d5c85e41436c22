/** The query string of `GET /api/interactions`, validated: ids, a time window (epoch ms or ISO 8601), paging. */
import { z } from 'zod';
import { idSchema } from '../agent/index.js';
import { instantParameterSchema } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import type { InteractionQuery } from '../store/index.js';
import { invalidRequestFromZod } from './http-errors.js';

const interactionsQuerySchema = z
  .object({
    tenantId: idSchema.optional(),
    agentId: idSchema.optional(),
    from: instantParameterSchema.optional(),
    to: instantParameterSchema.optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 500')
      .transform(Number)
      .pipe(z.number().int().min(1, 'must be from 1 to 500').max(500, 'must be from 1 to 500'))
      .optional(),
    cursor: z.string().min(1).max(512).optional(),
  })
  .strict();

/** Validates the search params; a repeated, unknown or malformed parameter is a 400 naming it. */
export function parseInteractionsQuery(searchParams: URLSearchParams): InteractionQuery {
  // Null prototype: a parameter named `constructor` or `__proto__` is just an unknown key.
  const raw: Record<string, string> = Object.create(null);
  for (const [key, value] of searchParams) {
    if (Object.hasOwn(raw, key)) {
      throw new StewardError(
        'invalid-request',
        `query parameter "${key}" is given more than once; give it once`,
        {
          details: { field: key },
        },
      );
    }
    raw[key] = value;
  }
  const result = interactionsQuerySchema.safeParse(raw);
  if (!result.success) throw invalidRequestFromZod(result.error, raw, 'query');
  const query: InteractionQuery = {};
  for (const [key, value] of Object.entries(result.data)) {
    if (value !== undefined) (query as Record<string, unknown>)[key] = value;
  }
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw new StewardError('invalid-request', 'query: "from" must not be later than "to"', {
      details: { field: 'from' },
    });
  }
  return query;
}
