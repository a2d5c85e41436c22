/** Turns anything a route throws into a StewardError JSON response; unexpected errors never leak a stack. */
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import { valueAt } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { STORE_UNAVAILABLE_MESSAGE } from '../store/index.js';

/** The JSON response for a StewardError: its `toJSON()` body with its status (and `Retry-After` when it says). */
export function errorResponse(error: StewardError, headers: Record<string, string> = {}): Response {
  const retryAfter = error.details.retryAfterSeconds;
  return new Response(JSON.stringify(error.toJSON()), {
    status: error.status,
    headers: {
      'content-type': 'application/json; charset=UTF-8',
      ...(typeof retryAfter === 'number' ? { 'retry-after': String(Math.ceil(retryAfter)) } : {}),
      ...headers,
    },
  });
}

/**
 * Maps a thrown value to the StewardError the client sees. Errors we did not raise on purpose become
 * `internal` with a generic message; the original goes to `log` (stderr), never into the response.
 */
export function toHttpError(
  error: unknown,
  where: string,
  log: (line: string, error: unknown) => void,
): StewardError {
  if (StewardError.isInstance(error)) {
    if (error.code === 'store-unavailable') {
      // Its message may quote the driver (host, port, database, user) or a file path: log it, answer plainly.
      log(`[steward] ${where} failed: store-unavailable`, error);
      return new StewardError('store-unavailable', STORE_UNAVAILABLE_MESSAGE, {
        details: pickIds(error.details),
      });
    }
    // Other 503s (queue full, shutting down) are expected under load; every other 5xx is worth a log line.
    if (error.status >= 500 && error.status !== 503) log(`[steward] ${where} failed: ${error.code}`, error);
    return error;
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) return new StewardError('payload-too-large', 'the request body is too large');
    if (error.status === 400) return new StewardError('invalid-request', error.message || 'bad request');
  }
  log(`[steward] unexpected error in ${where}`, error);
  return new StewardError('internal', 'internal error; the server log has the details');
}

/** The ids a failed turn's error carries (the recorded interaction), and nothing else of its details. */
function pickIds(details: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of ['interactionId', 'conversationId']) {
    if (typeof details[key] === 'string') kept[key] = details[key];
  }
  return kept;
}

/** The most characters of a requested id an error quotes. */
const ECHO_LIMIT = 32;

/**
 * A requested id (from the path, so anything a client sends) as an error may quote it: its leading
 * id characters (`A-Za-z0-9._:-`), at most 32, with `…` where the rest was cut.
 *
 * @example echoedId('front-desk') // 'front-desk'; echoedId('a"<b>') // 'a…'
 */
export function echoedId(requested: string): string {
  const shown = /^[A-Za-z0-9._:-]*/.exec(requested.slice(0, ECHO_LIMIT))![0];
  return shown.length < requested.length ? `${shown}…` : shown;
}

/** The 404 for an agent id this server does not serve; it names no other agent (tenants are a boundary). */
export function unknownAgentError(requested: string): StewardError {
  const shown = echoedId(requested);
  return new StewardError('not-found', `there is no agent "${shown}" on this server`, {
    details: { agentId: shown },
  });
}

/** A 400 `invalid-request` naming the first offending field, with every issue in `details.issues`. */
export function invalidRequestFromZod(error: z.ZodError, input: unknown, what: string): StewardError {
  // One issue per unknown key: zod reports them together, and joining them onto the path named a
  // field that does not exist (`body.decision.actor` for two unknown fields decision and actor).
  const issues = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          field: fieldPath([...issue.path, key]),
          message: 'is not an accepted field',
        }))
      : [{ field: fieldPath(issue.path), message: describeIssue(issue, valueAt(input, issue.path)) }],
  );
  const first = issues[0] ?? { field: '', message: 'is invalid' };
  const summary = issues
    .map((issue) => `${what}${issue.field ? `.${issue.field}` : ''}: ${issue.message}`)
    .join('; ');
  return new StewardError('invalid-request', summary, { details: { field: first.field, issues } });
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.');
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `is required (${issue.expected})`
        : `must be ${issue.expected}, received ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`;
    default:
      return issue.message;
  }
}
