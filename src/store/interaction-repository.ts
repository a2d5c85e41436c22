/** Interaction records: written once per handled message, read by the API and analytics. */
import type { Kysely, Selectable } from 'kysely';
import { StewardError } from '../errors/index.js';
import { compiledRowsQuery } from './compiled-query.js';
import type { RowKind } from './group-writer.js';
import type { InteractionRecord } from './interaction-record.js';
import type { Database, InteractionsTable } from './schema.js';

export interface InteractionQuery {
  tenantId?: string;
  agentId?: string;
  /** Inclusive lower bound, epoch ms. */
  from?: number;
  /** Exclusive upper bound, epoch ms. */
  to?: number;
  /** Page size, 1..500; default 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface InteractionPage {
  items: InteractionRecord[];
  nextCursor: string | null;
}

export class InteractionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts a record; `db` is the transaction to write in (e.g. the store's `batchWrite`), default none. */
  async insert(record: InteractionRecord, db: Kysely<Database> = this.db): Promise<void> {
    await interactionRows.flush(db, [record]);
  }

  /** Records feedback on an interaction of this tenant; false when there is no such interaction. */
  async setFeedback(
    tenantId: string,
    id: string,
    feedback: { rating: 'positive' | 'negative'; note?: string; at: number },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('interactions')
      .set({
        feedback: feedback.rating,
        feedback_note: feedback.note === undefined ? null : storableText(feedback.note),
        feedback_at: feedback.at,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Looks an interaction up by id alone, for operator APIs that then check the tenant themselves. */
  async findById(id: string): Promise<InteractionRecord | undefined> {
    const row = await this.db.selectFrom('interactions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async get(tenantId: string, id: string): Promise<InteractionRecord | undefined> {
    const row = await this.db
      .selectFrom('interactions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** Newest first, keyset-paged on (created_at, id). */
  async list(query: InteractionQuery = {}): Promise<InteractionPage> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new StewardError('invalid-request', `limit must be an integer from 1 to 500, received ${limit}`);
    }
    let builder = this.db.selectFrom('interactions').selectAll();
    if (query.tenantId !== undefined) builder = builder.where('tenant_id', '=', query.tenantId);
    if (query.agentId !== undefined) builder = builder.where('agent_id', '=', query.agentId);
    if (query.from !== undefined) builder = builder.where('created_at', '>=', query.from);
    if (query.to !== undefined) builder = builder.where('created_at', '<', query.to);
    if (query.cursor) {
      const { createdAt, id } = decodeCursor(query.cursor);
      builder = builder.where((eb) =>
        eb.or([
          eb('created_at', '<', createdAt),
          eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)]),
        ]),
      );
    }
    const rows = await builder
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map(fromRow);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }
}

/** A page cursor over rows ordered by (created_at, id): the contacts list pages the same way. */
export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through to the typed error
  }
  throw new StewardError(
    'invalid-request',
    'cursor is not one this API returned; pass nextCursor from the previous page',
    { details: { field: 'cursor' } },
  );
}

/**
 * Text as both engines can store it: PostgreSQL text cannot hold U+0000 (a model reply may contain
 * one), so it becomes U+FFFD, as lone surrogates do on the way into UTF-8.
 */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/** The columns of an interaction row, in the order `insertInteractions` binds them. */
const interactionColumns = [
  'id',
  'tenant_id',
  'agent_id',
  'conversation_id',
  'channel',
  'tier',
  'outcome',
  'error_code',
  'error_message',
  'request_text',
  'reply_text',
  'cost_usd',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'latency_ms',
  'queue_wait_ms',
  'tool_calls',
  'simulated_model',
  'sdk_session_id',
  'customer_hash',
  'created_at',
  'feedback',
  'feedback_note',
  'feedback_at',
] as const satisfies ReadonlyArray<keyof InteractionsTable>;

/** Interaction rows, several per statement: each chunk size compiled once, every column bound. */
const insertInteractions = compiledRowsQuery(interactionColumns.length, (db: Kysely<Database>, rows) =>
  db
    .insertInto('interactions')
    .values(
      rows.map(
        (values) =>
          Object.fromEntries(interactionColumns.map((column, index) => [column, values[index]])) as never,
      ),
    ),
);

/**
 * Interaction records handed to a shared transaction (`rows.add(interactionRows, record)` in
 * `store.batchWrite`): written together as multi-row inserts before it commits.
 */
export const interactionRows: RowKind<InteractionRecord> = {
  async flush(db, records) {
    await insertInteractions(
      db,
      records.map((record) => {
        const row = toRow(record);
        return interactionColumns.map((column) => row[column]);
      }),
    );
  },
};

function toRow(record: InteractionRecord): InteractionsTable {
  return {
    id: record.id,
    tenant_id: record.tenantId,
    agent_id: record.agentId,
    conversation_id: record.conversationId,
    channel: record.channel,
    tier: record.tier,
    outcome: record.outcome,
    error_code: record.errorCode ?? null,
    error_message: record.errorMessage === undefined ? null : storableText(record.errorMessage),
    request_text: storableText(record.requestText),
    reply_text: storableText(record.replyText),
    cost_usd: record.costUsd,
    input_tokens: record.usage.inputTokens,
    output_tokens: record.usage.outputTokens,
    cache_read_tokens: record.usage.cacheReadInputTokens,
    cache_write_tokens: record.usage.cacheCreationInputTokens,
    latency_ms: record.latencyMs,
    queue_wait_ms: record.queueWaitMs,
    tool_calls: JSON.stringify(record.toolCalls),
    simulated_model: record.simulatedModel ? 1 : 0,
    sdk_session_id: record.sdkSessionId ?? null,
    customer_hash: record.customerHash ?? null,
    created_at: record.createdAt,
    feedback: record.feedback?.rating ?? null,
    feedback_note: record.feedback?.note === undefined ? null : storableText(record.feedback.note),
    feedback_at: record.feedback?.at ?? null,
  };
}

function fromRow(row: Selectable<InteractionsTable>): InteractionRecord {
  const record: InteractionRecord = {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    conversationId: row.conversation_id,
    channel: row.channel,
    tier: row.tier,
    outcome: row.outcome as InteractionRecord['outcome'],
    requestText: row.request_text,
    replyText: row.reply_text,
    costUsd: Number(row.cost_usd),
    usage: {
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cacheReadInputTokens: Number(row.cache_read_tokens),
      cacheCreationInputTokens: Number(row.cache_write_tokens),
    },
    latencyMs: Number(row.latency_ms),
    queueWaitMs: Number(row.queue_wait_ms),
    toolCalls: JSON.parse(row.tool_calls) as InteractionRecord['toolCalls'],
    simulatedModel: Number(row.simulated_model) === 1,
    createdAt: Number(row.created_at),
  };
  if (row.error_code !== null) record.errorCode = row.error_code;
  if (row.error_message !== null) record.errorMessage = row.error_message;
  if (row.sdk_session_id !== null) record.sdkSessionId = row.sdk_session_id;
  if (row.customer_hash !== null) record.customerHash = row.customer_hash;
  if (row.feedback === 'positive' || row.feedback === 'negative') {
    record.feedback = { rating: row.feedback, at: Number(row.feedback_at) };
    if (row.feedback_note !== null) record.feedback.note = row.feedback_note;
  }
  return record;
}
