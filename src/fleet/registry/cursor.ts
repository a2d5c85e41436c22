/** Opaque cursors of keyset pagination: the last id of a page, tagged with the list it came from. */
import { StewardError } from '../../errors/index.js';

export type CursorList = 'tenants' | 'agents' | 'templates';

/** Default and largest page sizes of every registry list. */
export const pageLimits = { default: 100, max: 500 } as const;

export function encodeCursor(list: CursorList, lastId: string): string {
  return Buffer.from(JSON.stringify([list, lastId]), 'utf8').toString('base64url');
}

/** The id after which the next page starts, or `invalid-request` for a cursor this list did not give. */
export function decodeCursor(list: CursorList, cursor: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(decoded) &&
      decoded.length === 2 &&
      decoded[0] === list &&
      typeof decoded[1] === 'string'
    ) {
      return decoded[1];
    }
  } catch {
    // reported below
  }
  throw new StewardError(
    'invalid-request',
    'cursor is not one this list returned; pass nextCursor from the previous page',
    { details: { field: 'cursor' } },
  );
}

/** The page size: the default when absent, else a whole number from 1 to the maximum. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return pageLimits.default;
  if (!Number.isInteger(limit) || limit < 1 || limit > pageLimits.max) {
    throw new StewardError(
      'invalid-request',
      `limit must be a whole number from 1 to ${pageLimits.max}, received ${limit}`,
      { details: { field: 'limit' } },
    );
  }
  return limit;
}
