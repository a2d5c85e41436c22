/**
 * The durable inbound queue: a webhook is acknowledged only after its message is committed here; workers
 * on any instance claim messages under a lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: one
 * `BEGIN IMMEDIATE` writer), so a worker killed mid-message leaves it to be claimed again when its lease
 * ends. Every change after the claim is fenced by the lease owner: a worker whose lease was taken over
 * changes nothing.
 */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { StewardStore } from '../../store/index.js';
import { type ChannelMessage, type Urgency, urgencyPriority } from '../message.js';
import { messageBoxOf } from './secret-box.js';
import { type ChannelTables, channelTables } from './tables.js';

export interface QueuedMessage {
  id: string;
  message: ChannelMessage;
  /** Claims so far, this one included. */
  attempts: number;
  /** The agent's answer saved by an earlier attempt, when it got that far. */
  reply: string | undefined;
}

interface PendingEnqueue {
  id: string;
  message: ChannelMessage;
  now: number;
  digests: InboundDigests | undefined;
  resolve: (result: EnqueueResult) => void;
  reject: (error: unknown) => void;
}

/** Keyed digests of a message's sender and conversation (`SenderHistory.digestsOf`), kept on its row. */
export interface InboundDigests {
  sender: string;
  conversation: string;
}

export type EnqueueResult = { id: string; duplicate: false } | { id: undefined; duplicate: true };

const inboundColumns = [
  'id',
  'channel',
  'provider_id',
  'tenant_id',
  'agent_id',
  'message',
  'status',
  'priority',
  'attempts',
  'available_at',
  'lease_owner',
  'lease_expires_at',
  'reply',
  'last_error',
  'received_at',
  'completed_at',
  'sender_digest',
  'conversation_digest',
] as const satisfies ReadonlyArray<keyof ChannelTables['channel_inbound']>;

/** Statement sizes a batch is cut into on SQLite (a few SQL texts, each prepared once). */
const insertSizes = [256, 128, 64, 32, 16, 8, 4, 2, 1];
/** PostgreSQL batches up to this size keep their SQL text (a batch's own size, up to 500 rows). */
const cachedPostgresRows = 64;

const insertSqlCache = new Map<string, string>();

function insertSql(engine: string, rows: number): string {
  const key = `${engine}:${rows}`;
  let text = insertSqlCache.get(key);
  if (text === undefined) {
    const width = inboundColumns.length;
    const placeholder = (index: number) => (engine === 'postgres' ? `$${index + 1}` : '?');
    const tuples = Array.from(
      { length: rows },
      (_, row) =>
        `(${Array.from({ length: width }, (_, column) => placeholder(row * width + column)).join(', ')})`,
    );
    text =
      `insert into "channel_inbound" (${inboundColumns.map((column) => `"${column}"`).join(', ')}) ` +
      `values ${tuples.join(', ')} on conflict ("channel", "provider_id") do nothing returning "id"`;
    if (engine !== 'postgres' || rows <= cachedPostgresRows) insertSqlCache.set(key, text);
  }
  return text;
}

export class InboundQueue {
  private readonly db: Kysely<ChannelTables>;
  private readonly box;

  constructor(private readonly store: StewardStore) {
    this.db = channelTables(store.db);
    this.box = messageBoxOf(store);
  }

  /**
   * Commits a message; a second one with the same channel and provider id is a duplicate and is not
   * queued. Concurrent calls are committed together in one multi-row INSERT (a group commit): a burst of
   * webhooks costs one commit, not one each, and each call resolves only once its row is committed. The
   * commit waits for the end of this turn of the event loop (`setImmediate`): the server hands each
   * request over in a callback of its own, so a commit started at once held only the first request of a
   * burst (SQLite's synchronous driver even commits it before the next request is parsed).
   */
  enqueue(
    id: string,
    message: ChannelMessage,
    now: number,
    digests?: InboundDigests,
  ): Promise<EnqueueResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ id, message, now, digests, resolve, reject });
      if (!this.flushing && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.flush();
        });
      }
    });
  }

  private readonly pending: PendingEnqueue[] = [];
  private flushing = false;
  private scheduled = false;
  private commitCount = 0;
  private committedCount = 0;

  /** Group commits so far and the messages they carried (the bench reports messages per commit). */
  get groupCommits(): { commits: number; messages: number } {
    return { commits: this.commitCount, messages: this.committedCount };
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, 500);
        try {
          await this.commit(batch);
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          // One message whose row cannot be written (PostgreSQL refuses a NUL in text …) must not fail the
          // webhooks that shared its commit: each is tried alone, and only what fails alone is refused.
          for (const item of batch) await this.commit([item]).catch((alone: unknown) => item.reject(alone));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Inserts the batch in one commit, then resolves each (inserted, or a duplicate); throws when the commit fails. */
  private async commit(batch: readonly PendingEnqueue[]): Promise<void> {
    const ids = await this.insertRows(batch.map((item) => this.rowOf(item)));
    this.commitCount++;
    this.committedCount += batch.length;
    for (const item of batch) {
      item.resolve(ids.has(item.id) ? { id: item.id, duplicate: false } : { id: undefined, duplicate: true });
    }
  }

  /**
   * Inserts the rows (a duplicate channel and provider id is skipped) and returns the ids inserted. The SQL
   * is written once per engine and size, not built and compiled by Kysely per batch (which took about a
   * fifth of a webhook's acknowledgement under load); a batch of several statements is one transaction.
   */
  private async insertRows(rows: ReadonlyArray<ChannelTables['channel_inbound']>): Promise<Set<string>> {
    const engine = this.store.engine;
    const statements: CompiledQuery<{ id: string }>[] = [];
    let start = 0;
    // PostgreSQL parses every statement the driver sends (none is kept prepared): one of the batch's own size
    // is one round trip and needs no transaction. SQLite keeps a compiled statement per text: a few sizes.
    for (const size of engine === 'postgres' ? [rows.length] : insertSizes) {
      while (rows.length - start >= size) {
        const parameters: unknown[] = [];
        for (const row of rows.slice(start, start + size)) {
          for (const column of inboundColumns) parameters.push(row[column]);
        }
        statements.push(CompiledQuery.raw(insertSql(engine, size), parameters));
        start += size;
      }
    }
    const run = async (db: Kysely<unknown>) => {
      const ids = new Set<string>();
      for (const statement of statements) {
        for (const row of (await db.executeQuery(statement)).rows) ids.add(row.id);
      }
      return ids;
    };
    return statements.length === 1
      ? run(this.store.db as unknown as Kysely<unknown>)
      : this.store.writeTransaction((db) => run(db as unknown as Kysely<unknown>));
  }

  private rowOf({ id, message, now, digests }: PendingEnqueue): ChannelTables['channel_inbound'] {
    return {
      id,
      channel: message.channel,
      provider_id: message.providerId,
      tenant_id: message.tenantId,
      agent_id: message.agentId,
      message: this.box.seal(JSON.stringify(message)),
      status: 'queued',
      priority: urgencyPriority[message.urgency],
      attempts: 0,
      available_at: now,
      lease_owner: null,
      lease_expires_at: null,
      reply: null,
      last_error: null,
      received_at: message.receivedAt,
      completed_at: null,
      sender_digest: digests?.sender ?? null,
      conversation_digest: digests?.conversation ?? null,
    };
  }

  /** Claims up to `limit` messages (queued and due, or whose lease ended), most urgent first. */
  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<QueuedMessage[]> {
    const lease = {
      status: 'working',
      lease_owner: owner,
      lease_expires_at: now + leaseMs,
      attempts: sql<number>`attempts + 1`,
    };
    const claimable = (db: Kysely<ChannelTables>) =>
      db
        .selectFrom('channel_inbound')
        .select('id')
        .where((where) =>
          where.or([
            where.and([where('status', '=', 'queued'), where('available_at', '<=', now)]),
            where.and([where('status', '=', 'working'), where('lease_expires_at', '<=', now)]),
          ]),
        )
        .orderBy('priority', 'desc')
        .orderBy('available_at')
        .limit(limit);
    const rows =
      this.store.engine === 'postgres'
        ? await this.db
            .updateTable('channel_inbound')
            .set(lease)
            .where('id', 'in', claimable(this.db).forUpdate().skipLocked())
            .returning(['id', 'message', 'attempts', 'reply', 'priority', 'available_at'])
            .execute()
        : await this.store.writeTransaction(async (transaction) => {
            const db = channelTables(transaction);
            const ids = (await claimable(db).execute()).map((row) => row.id);
            if (ids.length === 0) return [];
            return db
              .updateTable('channel_inbound')
              .set(lease)
              .where('id', 'in', ids)
              .returning(['id', 'message', 'attempts', 'reply', 'priority', 'available_at'])
              .execute();
          });
    rows.sort((left, right) => right.priority - left.priority || left.available_at - right.available_at);
    return rows.map((row) => ({
      id: row.id,
      message: JSON.parse(this.box.open(row.message)) as ChannelMessage,
      attempts: row.attempts,
      reply: row.reply === null ? undefined : this.box.open(row.reply),
    }));
  }

  /**
   * Moves queued messages up to the level their senders' context gives them (their place in the queue only:
   * each keeps its words' level and reasons in the message, marked pending, for its worker to score in full);
   * one statement per tenant, agent and level, in one transaction. A message a worker already claimed, or
   * already at that level or above, is left as it is.
   */
  async lift(
    messages: ReadonlyArray<{ id: string; tenantId: string; agentId: string; urgency: Urgency }>,
  ): Promise<void> {
    const groups = new Map<string, { tenantId: string; agentId: string; priority: number; ids: string[] }>();
    for (const { id, tenantId, agentId, urgency } of messages) {
      const priority = urgencyPriority[urgency];
      const key = `${tenantId}\u0000${agentId}\u0000${priority}`;
      const group = groups.get(key) ?? { tenantId, agentId, priority, ids: [] };
      group.ids.push(id);
      groups.set(key, group);
    }
    const run = async (db: Kysely<ChannelTables>) => {
      for (const { tenantId, agentId, priority, ids } of groups.values()) {
        await db
          .updateTable('channel_inbound')
          .set({ priority })
          .where('tenant_id', '=', tenantId)
          .where('agent_id', '=', agentId)
          .where('id', 'in', ids)
          .where('status', '=', 'queued')
          .where('priority', '<', priority)
          .execute();
      }
    };
    if (groups.size <= 1) await run(this.db);
    else await this.store.writeTransaction((transaction) => run(channelTables(transaction)));
  }

  /** Extends a lease this owner holds; false when it lost it. */
  async renew(id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    return this.fenced(id, owner, { lease_expires_at: now + leaseMs });
  }

  /** Keeps the agent's answer, so a later attempt sends it without asking the agent again. */
  async saveReply(id: string, owner: string, reply: string): Promise<boolean> {
    return this.fenced(id, owner, { reply: this.box.seal(reply) });
  }

  async complete(id: string, owner: string, now: number): Promise<boolean> {
    return this.fenced(id, owner, {
      status: 'done',
      completed_at: now,
      lease_owner: null,
      lease_expires_at: null,
    });
  }

  /** Gives the message back for another attempt at `retryAt`, or fails it for good when `retryAt` is undefined. */
  async release(
    id: string,
    owner: string,
    now: number,
    error: string,
    retryAt: number | undefined,
  ): Promise<boolean> {
    return this.fenced(id, owner, {
      ...(retryAt === undefined
        ? { status: 'failed', completed_at: now }
        : { status: 'queued', available_at: retryAt }),
      lease_owner: null,
      lease_expires_at: null,
      last_error: error.slice(0, 2_000),
    });
  }

  /**
   * Moves a message this owner holds to another agent (its destination's owner now) and queues it afresh
   * for that agent: no saved reply, no attempts, its files with it; one transaction, fenced by the lease.
   * False when the lease was lost (the message is left to the worker that has it).
   */
  async reroute(
    id: string,
    owner: string,
    from: { tenantId: string; agentId: string },
    message: ChannelMessage,
    digests: InboundDigests,
    now: number,
  ): Promise<boolean> {
    return this.store.writeTransaction(async (transaction) => {
      const db = channelTables(transaction);
      const moved = await db
        .updateTable('channel_inbound')
        .set({
          tenant_id: message.tenantId,
          agent_id: message.agentId,
          message: this.box.seal(JSON.stringify(message)),
          priority: urgencyPriority[message.urgency],
          status: 'queued',
          attempts: 0,
          available_at: now,
          lease_owner: null,
          lease_expires_at: null,
          reply: null,
          last_error: null,
          sender_digest: digests.sender,
          conversation_digest: digests.conversation,
        })
        .where('id', '=', id)
        .where('status', '=', 'working')
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 0) return false;
      await db
        .updateTable('channel_inbound_files')
        .set({ tenant_id: message.tenantId, agent_id: message.agentId })
        .where('inbound_id', '=', id)
        .where('tenant_id', '=', from.tenantId)
        .where('agent_id', '=', from.agentId)
        .execute();
      return true;
    });
  }

  /** Closes a message this owner holds without an answer (`dropped`, with the reason); false when the lease was lost. */
  async drop(id: string, owner: string, now: number, reason: string): Promise<boolean> {
    return this.fenced(id, owner, {
      status: 'dropped',
      completed_at: now,
      lease_owner: null,
      lease_expires_at: null,
      reply: null,
      last_error: reason.slice(0, 2_000),
    });
  }

  /** The status of a message (for tests and the API). */
  async status(
    id: string,
  ): Promise<{ status: string; attempts: number; lastError: string | null } | undefined> {
    const row = await this.db
      .selectFrom('channel_inbound')
      .select(['status', 'attempts', 'last_error'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { status: row.status, attempts: row.attempts, lastError: row.last_error };
  }

  private async fenced(
    id: string,
    owner: string,
    values: Partial<Omit<ChannelTables['channel_inbound'], 'id'>>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('channel_inbound')
      .set(values)
      .where('id', '=', id)
      .where('status', '=', 'working')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
