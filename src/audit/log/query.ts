/** Searching a tenant's audit records: filters on agent, conversation, event types and time, newest first. */
import type { ExpressionBuilder } from 'kysely';
import { StewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';
import { type AuditRecord, parseAuditRecord, type SerializedAuditRecord } from './record.js';
import { type AuditRecordsTable, auditDatabase, fromRecordRow } from './schema.js';

export interface AuditSearchQuery {
  /** Required: a search never crosses tenants. */
  tenantId: string;
  agentId?: string;
  conversationId?: string;
  /** Any of these event types. */
  eventTypes?: readonly string[];
  /** Inclusive lower bound on `at` (the event's own time), epoch ms. */
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
 * Newest first in chain order (descending `seq`), keyset-paged on seq. Not by `at`: that is each
 * event's own time, which can go back along the chain (an interaction's completion carries the time
 * it started, after records stamped later), so ordering by it put records out of seq order.
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
  if (query.eventTypes !== undefined) {
    if (query.eventTypes.length === 0) return { records: [], nextCursor: null };
    if (query.eventTypes.length > 100) {
      throw new StewardError(
        'invalid-request',
        `eventTypes holds at most 100 types, received ${query.eventTypes.length}`,
      );
    }
  }
  const before = query.cursor ? decodeCursor(query.cursor) : undefined;
  const db = auditDatabase(store.db);
  const { tenantId, conversationId } = query;
  // The filters on the records, aliased `r` in both shapes of the query. The page's bound on seq is
  // added by each shape: through the lookup it goes on the lookup's seq, so that the records are
  // reached by their key (PostgreSQL without statistics otherwise ranged over the records by it).
  const filters = (eb: ExpressionBuilder<{ r: AuditRecordsTable }, 'r'>) => {
    const conditions = [eb('r.tenant_id', '=', tenantId)];
    if (query.agentId !== undefined) conditions.push(eb('r.agent_id', '=', query.agentId));
    if (query.eventTypes !== undefined) conditions.push(eb('r.event_type', 'in', [...query.eventTypes]));
    if (query.from !== undefined) conditions.push(eb('r.at', '>=', query.from));
    if (query.to !== undefined) conditions.push(eb('r.at', '<', query.to));
    return eb.and(conditions);
  };
  let rows: AuditRecordsTable[];
  if (conversationId === undefined) {
    rows = await db
      .selectFrom('audit_records as r')
      .selectAll('r')
      .where(filters)
      .$if(before !== undefined, (builder) => builder.where('r.seq', '<', before!))
      .orderBy('r.seq', 'desc')
      .limit(limit + 1)
      .execute();
  } else {
    // The lookup holds the conversation's seqs up to the head's conversation_indexed_seq; the records
    // after it (at most a few thousand) are read from the records themselves (chain-writer.ts). The
    // two branches hold different seqs (each side of conversation_indexed_seq), merged in seq order.
    const indexedSeq = db
      .selectFrom('audit_chain_heads')
      .select('conversation_indexed_seq')
      .where('tenant_id', '=', tenantId);
    const indexed = db
      .selectFrom('audit_conversation_seqs as s')
      .innerJoin('audit_records as r', (join) =>
        join.onRef('r.tenant_id', '=', 's.tenant_id').onRef('r.seq', '=', 's.seq'),
      )
      .selectAll('r')
      .where('s.tenant_id', '=', tenantId)
      .where('s.conversation_id', '=', conversationId)
      // A head restarted by hand can point below seqs already in the lookup: those come from the tail.
      .where('s.seq', '<=', indexedSeq)
      .$if(before !== undefined, (builder) => builder.where('s.seq', '<', before!))
      .where(filters);
    const tail = db
      .selectFrom('audit_records as r')
      .selectAll('r')
      .where('r.conversation_id', '=', conversationId)
      .where('r.seq', '>', indexedSeq)
      .$if(before !== undefined, (builder) => builder.where('r.seq', '<', before!))
      .where(filters);
    rows = await indexed
      .unionAll(tail)
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .execute();
  }
  const records = rows.slice(0, limit).map((row) => readRecord(fromRecordRow(row)));
  const last = records.at(-1);
  return {
    records,
    nextCursor: rows.length > limit && last ? encodeCursor(Number(last.seq)) : null,
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

/** The seq the next page starts below. */
function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify([seq])).toString('base64url');
}

/** The cursor's seq; cursors of the earlier `[at, seq]` form are read by their seq. */
function decodeCursor(cursor: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      (parsed.length === 1 || parsed.length === 2) &&
      parsed.every((value) => Number.isSafeInteger(value))
    ) {
      return parsed.at(-1) as number;
    }
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
