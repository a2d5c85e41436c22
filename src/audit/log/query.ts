/** Searching a tenant's audit records: filters on agent, conversation, event types and time, newest first. */
import type { ExpressionBuilder } from 'kysely';
import { StewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';
import {
  CARRIED_SPAN_MS,
  CARRIER_PREFIX,
  carriableEventTypes,
  closingEventTypes,
  expandRecord,
} from './carried-events.js';
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
  const start = query.cursor ? decodeCursor(query.cursor) : undefined;
  const db = auditDatabase(store.db);
  const { tenantId, conversationId } = query;
  const eventTypes = query.eventTypes === undefined ? undefined : new Set(query.eventTypes);
  // Rows that carry an interaction's events (carried-events.ts) are read when a wanted type may ride in
  // one, and up to CARRIED_SPAN_MS after the window (a row's `at` is its latest event's); their events
  // are then filtered one by one below.
  const carriers =
    eventTypes === undefined ||
    [...eventTypes].some((type) => carriableEventTypes.has(type) || closingEventTypes.has(type));
  // The filters on the records, aliased `r` in both shapes of the query. The page's bound on seq is
  // added by each shape: through the lookup it goes on the lookup's seq, so that the records are
  // reached by their key (PostgreSQL without statistics otherwise ranged over the records by it).
  const filters = (eb: ExpressionBuilder<{ r: AuditRecordsTable }, 'r'>) => {
    const conditions = [eb('r.tenant_id', '=', tenantId)];
    if (query.agentId !== undefined) conditions.push(eb('r.agent_id', '=', query.agentId));
    const isCarrier = eb('r.event_type', 'like', `${CARRIER_PREFIX}%`);
    if (eventTypes !== undefined) {
      const named = eb('r.event_type', 'in', [...eventTypes]);
      conditions.push(carriers ? eb.or([named, isCarrier]) : named);
    }
    if (query.from !== undefined) conditions.push(eb('r.at', '>=', query.from));
    if (query.to !== undefined) {
      const before = eb('r.at', '<', query.to);
      conditions.push(
        carriers ? eb.or([before, eb.and([isCarrier, eb('r.at', '<', query.to + CARRIED_SPAN_MS)])]) : before,
      );
    }
    return eb.and(conditions);
  };
  const wanted = (event: AuditRecord) =>
    (eventTypes === undefined || eventTypes.has(event.eventType)) &&
    (query.from === undefined || event.at >= query.from) &&
    (query.to === undefined || event.at < query.to);
  // Reads rows newest first from `bound` on (its row again when the bound is inside it).
  const readRows = (bound: Position | undefined): Promise<AuditRecordsTable[]> => {
    const operator = bound?.event === undefined ? '<' : '<=';
    if (conversationId === undefined) {
      return db
        .selectFrom('audit_records as r')
        .selectAll('r')
        .where(filters)
        .$if(bound !== undefined, (builder) => builder.where('r.seq', operator, bound!.seq))
        .orderBy('r.seq', 'desc')
        .limit(limit + 1)
        .execute();
    }
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
      .$if(bound !== undefined, (builder) => builder.where('s.seq', operator, bound!.seq))
      .where(filters);
    const tail = db
      .selectFrom('audit_records as r')
      .selectAll('r')
      .where('r.conversation_id', '=', conversationId)
      .where('r.seq', '>', indexedSeq)
      .$if(bound !== undefined, (builder) => builder.where('r.seq', operator, bound!.seq))
      .where(filters);
    return indexed
      .unionAll(tail)
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .execute();
  };
  // Events newest first: rows by descending seq, a carrier's events from its last to its first.
  const found: Array<{ record: AuditRecord; position: Position }> = [];
  let bound = start;
  for (;;) {
    const rows = await readRows(bound);
    for (const row of rows) {
      const seq = Number(row.seq);
      const events = expandRecord(readRecord(fromRecordRow(row)));
      const below = bound !== undefined && bound.seq === seq ? bound.event : undefined;
      for (let index = Math.min(events.length, below ?? events.length) - 1; index >= 0; index--) {
        const event = events[index]!;
        if (wanted(event)) found.push({ record: event, position: { seq, event: index } });
      }
    }
    const last = rows.at(-1);
    if (found.length > limit || rows.length <= limit || !last) break;
    bound = { seq: Number(last.seq) };
  }
  const records = found.slice(0, limit).map((entry) => entry.record);
  const lastPosition = found[limit - 1]?.position;
  return {
    records,
    nextCursor: found.length > limit && lastPosition ? encodeCursor(lastPosition) : null,
  };
}

/** Where a page ends: a row's seq and, inside a row that carries events, the index of the last event given. */
interface Position {
  seq: number;
  /** Undefined: the whole row was given (the next page starts below it). */
  event?: number;
}

/** A stored payload that is not JSON (edited by hand: verifyChain reports it) is returned as its text. */
function readRecord(record: SerializedAuditRecord): AuditRecord {
  try {
    return parseAuditRecord(record);
  } catch {
    return { ...record, payload: { unreadablePayload: record.payload } };
  }
}

/**
 * The cursor of the page after `position`: `[seq]` when the page ended on a row's first event (the next
 * starts below it), `{ seq, event }` inside a row that carries events (the next starts at its earlier
 * events).
 */
function encodeCursor(position: Position): string {
  const value = position.event ? { seq: position.seq, event: position.event } : [position.seq];
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The position a cursor names; cursors of the earlier `[at, seq]` form are read by their seq. */
function decodeCursor(cursor: string): Position {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      (parsed.length === 1 || parsed.length === 2) &&
      parsed.every((value) => Number.isSafeInteger(value))
    ) {
      return { seq: parsed.at(-1) as number };
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const { seq, event, ...rest } = parsed as { seq?: unknown; event?: unknown };
      if (
        Object.keys(rest).length === 0 &&
        Number.isSafeInteger(seq) &&
        Number.isSafeInteger(event) &&
        (event as number) > 0
      ) {
        return { seq: seq as number, event: event as number };
      }
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
 * A tenant's records by seq or by id, in seq order, and the seqs or ids that matched none. A row that
 * carries an interaction's events gives all of them by its seq or its id, one of them by `<id>#<index>`.
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
  if ('seqs' in selector) {
    const rows = await base
      .where('seq', 'in', wanted as number[])
      .orderBy('seq')
      .execute();
    const records = rows.map((row) => readRecord(fromRecordRow(row)));
    const found = new Set(records.map((record) => Number(record.seq)));
    return {
      records: records.flatMap(expandRecord),
      missing: wanted.filter((seq) => !found.has(seq as number)),
    };
  }
  // A carried event's id is its row's id, '#' and its index.
  const rowIdOf = (id: string) => {
    const mark = id.lastIndexOf('#');
    return mark > 0 && /^\d+$/.test(id.slice(mark + 1)) ? id.slice(0, mark) : id;
  };
  const rowIds = [...new Set((wanted as string[]).flatMap((id) => [id, rowIdOf(id)]))];
  const rows = await base.where('id', 'in', rowIds).orderBy('seq').execute();
  const ids = new Set(wanted as string[]);
  const records: AuditRecord[] = [];
  const found = new Set<string>();
  for (const row of rows) {
    const record = readRecord(fromRecordRow(row));
    const events = expandRecord(record);
    if (ids.has(record.id)) {
      found.add(record.id);
      records.push(...events);
      continue;
    }
    for (const event of events) {
      if (!ids.has(event.id)) continue;
      found.add(event.id);
      records.push(event);
    }
  }
  return { records, missing: wanted.filter((id) => !found.has(id as string)) };
}
