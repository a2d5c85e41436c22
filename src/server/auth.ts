/**
 * Authentication and authorization of the JSON API: `authenticate` resolves the caller from the bearer
 * token and puts it on the context; `requireAction` checks the caller's role and tenant scope;
 * `actorOf` names the caller in every action and audit record (the key, never a header).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { StewardError } from '../errors/index.js';
import {
  type Action,
  type Authenticator,
  authorize,
  type Caller,
  type PermissionPolicy,
} from '../fleet/index.js';
import { createRedactor } from '../privacy/index.js';
import { errorResponse } from './http-errors.js';

/** What `authenticate` puts on the context. */
export type AuthVariables = { caller: Caller };

/** The optional "on behalf of" note of an action: who the key's holder acts for. Never the identity. */
export const onBehalfOfHeader = 'X-Steward-Actor';

/**
 * Resolves the caller of every request it covers, or answers 401 with `WWW-Authenticate: Bearer`.
 *
 * @example
 * app.use('/api/*', authenticate(authenticator));
 * app.get('/api/things', (c) => c.json({ caller: callerOf(c) }));
 */
export function authenticate(authenticator: Authenticator): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    let caller: Caller;
    try {
      caller = await authenticator.authenticate(c.req.header('authorization'));
    } catch (error) {
      if (!StewardError.isInstance(error) || error.code !== 'unauthorized') throw error;
      return errorResponse(error, { 'www-authenticate': 'Bearer realm="steward"' });
    }
    c.set('caller', caller);
    await next();
  };
}

/** The caller `authenticate` resolved; a route outside `authenticate` is a wiring bug. */
export function callerOf(c: Context): Caller {
  const caller = c.get('caller') as Caller | undefined;
  if (!caller)
    throw new StewardError('internal', 'no caller on this request: the route is not behind authenticate');
  return caller;
}

/**
 * Refuses the request unless the caller may take `action` (403), on the tenant `tenantOf` returns
 * (404 for a tenant outside its scope, as for one that does not exist).
 *
 * @example
 * app.post('/api/tenants/:tenantId/agents/:agentId/trust', requireAction('trust:act', (c) => c.req.param('tenantId')), handler);
 */
export function requireAction(
  action: Action,
  tenantOf?: (c: Context) => string | undefined,
  policy?: PermissionPolicy,
): MiddlewareHandler {
  return async (c, next) => {
    const tenantId = tenantOf?.(c);
    authorize(callerOf(c), { action, ...(tenantId === undefined ? {} : { tenantId }) }, policy);
    await next();
  };
}

const noteRedactor = createRedactor();
const maxNoteLength = 80;

/**
 * Who acts, for every action and audit record: the key, `key:<id> (<name>)`, plus
 * ` on behalf of <note>` when the request gives one (`note`, else the `X-Steward-Actor` header), masked
 * and shortened: a note, never the identity. At most 256 characters, the audit log's limit.
 *
 * @example
 * actorOf(c) // 'key:k3x9a0c1m2q7 (ops console) on behalf of alice'
 */
export function actorOf(c: Context, note: string | undefined = c.req.header(onBehalfOfHeader)): string {
  return callerActor(callerOf(c), note);
}

/**
 * The actor string of a caller plus an optional "on behalf of" note: what `actorOf` records for a
 * request, and what `steward` records for a command run with a token (so both name a key alike).
 *
 * @example
 * callerActor({ keyId: 'k3x9a0c1m2q7', keyName: 'ops console', role: 'operator', tenants: '*' }, 'alice')
 * // 'key:k3x9a0c1m2q7 (ops console) on behalf of alice'
 */
export function callerActor(caller: Caller, note: string | undefined): string {
  const identity = `key:${caller.keyId} (${clean(noteRedactor.text(caller.keyName), 128)})`;
  const shown = clean(noteRedactor.text(note ?? ''), maxNoteLength);
  return shown === '' ? identity : `${identity} on behalf of ${shown}`;
}

/** One line of printable text, at most `max` characters. */
function clean(text: string, max: number): string {
  const line = text
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
