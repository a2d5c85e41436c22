/** Searching a tenant's audit records: filters on agent, conversation, event types and time, newest first. */
import { StewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';
import { type AuditRecord, parseAuditRecord, type SerializedAuditRecord } from './record.js';
import { auditDatabase, fromRecordRow } from './schema.js';

export interface AuditSearchQuery {
  /** Required: a search never crosses tenants. */
  tenantId: string;
  agentId?: string;
  conversationId?: string;
  /** Any of these event types. */
  eventTypes?: readonly string[];
  /** Inclusive lower bound on `at`, epoch ms. */
  from?: number;
  /** Exclusive upper bound on `at`, epoch ms. */
  to?: number;
  /** Page size, 1..1,000; default 100. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface AuditSearchPage {
  records: AuditRecord[];
  nextCursor: string | null;
}

/**
 * Newest first (by `at`, then seq), keyset-paged.
 *
 * @example
 * const page = await searchAuditRecords(store, { tenantId: 'acme', eventTypes: ['tool-call-denied'], limit: 50 });
 * const next = page.nextCursor ? await searchAuditRecords(store, { tenantId: 'acme', cursor: page.nextCursor }) : undefined;
 */
export async function searchAuditRecords(
  store: StewardStore,
  query: AuditSearchQuery,
): Promise<AuditSearchPage> {
  if (typeof query.tenantId !== 'string' || query.tenantId === '') {
    throw new StewardError('invalid-request', 'searchAuditRecords needs a tenantId');
  }
  const limit = query.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) {
    throw new StewardError('invalid-request', `limit must be an integer from 1 to 1000, received ${limit}`);
  }
  for (const bound of ['from', 'to'] as const) {
    const value = query[bound];
    if (value !== undefined && !Number.isSafeInteger(value)) {
      throw new StewardError('invalid-request', `${bound} must be epoch milliseconds, received ${value}`);
    }
  }
  let builder = auditDatabase(store.db)
    .selectFrom('audit_records')
    .selectAll()
    .where('tenant_id', '=', query.tenantId);
  if (query.agentId !== undefined) builder = builder.where('agent_id', '=', query.agentId);
  const { conversationId } = query;
  if (conversationId !== undefined) {
    // The lookup table holds the records up to the head's conversation_indexed_seq; later ones are
    // few (at most a few thousand) and read from the records themselves (chain-writer.ts).
    builder = builder.where('seq', 'in', (eb) =>
      eb
        .selectFrom('audit_conversation_seqs')
        .select('seq')
        .where('tenant_id', '=', query.tenantId)
        .where('conversation_id', '=', conversationId)
        .unionAll(
          eb
            .selectFrom('audit_records')
            .select('seq')
            .where('tenant_id', '=', query.tenantId)
            .where('seq', '>', (inner) =>
              inner
                .selectFrom('audit_chain_heads')
                .select('conversation_indexed_seq')
                .where('tenant_id', '=', query.tenantId),
            )
            .where('conversation_id', '=', conversationId),
        ),
    );
  }
  if (query.eventTypes !== undefined) {
    if (query.eventTypes.length === 0) return { records: [], nextCursor: null };
    if (query.eventTypes.length > 100) {
      throw new StewardError(
        'invalid-request',
        `eventTypes holds at most 100 types, received ${query.eventTypes.length}`,
      );
    }
    builder = builder.where('event_type', 'in', [...query.eventTypes]);
  }
  if (query.from !== undefined) builder = builder.where('at', '>=', query.from);
  if (query.to !== undefined) builder = builder.where('at', '<', query.to);
  if (query.cursor) {
    const { at, seq } = decodeCursor(query.cursor);
    builder = builder.where((eb) =>
      eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('seq', '<', seq)])]),
    );
  }
  const rows = await builder
    .orderBy('at', 'desc')
    .orderBy('seq', 'desc')
    .limit(limit + 1)
    .execute();
  const records = rows.slice(0, limit).map((row) => readRecord(fromRecordRow(row)));
  const last = records.at(-1);
  return {
    records,
    nextCursor: rows.length > limit && last ? encodeCursor(Number(last.at), Number(last.seq)) : null,
  };
}

/** A stored payload that is not JSON (edited by hand: verifyChain reports it) is returned as its text. */
function readRecord(record: SerializedAuditRecord): AuditRecord {
  try {
    return parseAuditRecord(record);
  } catch {
    return { ...record, payload: { unreadablePayload: record.payload } };
  }
}

function encodeCursor(at: number, seq: number): string {
  return Buffer.from(JSON.stringify([at, seq])).toString('base64url');
}

function decodeCursor(cursor: string): { at: number; seq: number } {
  try {
    const [at, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(at) && Number.isSafeInteger(seq))
      return { at: at as number, seq: seq as number };
  } catch {
    // fall through to the typed error
  }
  throw new StewardError(
    'invalid-request',
    'cursor is not one this API returned; pass nextCursor from the previous page',
  );
}

/** Most records one lookup (and one decrypting read) may name. */
export const maxRecordsPerLookup = 1_000;

/**
 * A tenant's records by seq or by id, in seq order, and the seqs or ids that matched none.
 *
 * @example
 * const { records, missing } = await findAuditRecords(store, 'acme', { seqs: [3, 4] });
 */
export async function findAuditRecords(
  store: StewardStore,
  tenantId: string,
  selector: { seqs: readonly number[] } | { ids: readonly string[] },
): Promise<{ records: AuditRecord[]; missing: Array<number | string> }> {
  const wanted = 'seqs' in selector ? [...new Set(selector.seqs)] : [...new Set(selector.ids)];
  if (wanted.length > maxRecordsPerLookup) {
    throw new StewardError(
      'invalid-request',
      `name at most ${maxRecordsPerLookup} records at once, received ${wanted.length}`,
    );
  }
  if (wanted.length === 0) return { records: [], missing: [] };
  const base = auditDatabase(store.db)
    .selectFrom('audit_records')
    .selectAll()
    .where('tenant_id', '=', tenantId);
  const rows =
    'seqs' in selector
      ? await base
          .where('seq', 'in', wanted as number[])
          .orderBy('seq')
          .execute()
      : await base
          .where('id', 'in', wanted as string[])
          .orderBy('seq')
          .execute();
  const records = rows.map((row) => readRecord(fromRecordRow(row)));
  const found = new Set<number | string>(
    records.map((record) => ('seqs' in selector ? Number(record.seq) : record.id)),
  );
  return { records, missing: wanted.filter((value) => !found.has(value)) };
}
