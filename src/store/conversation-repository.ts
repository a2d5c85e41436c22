/** Conversations and the SDK session that continues each, so any instance can resume any conversation. */
import type { Kysely } from 'kysely';
import { compiledRowsQuery } from './compiled-query.js';
import type { RowKind } from './group-writer.js';
import type { Database } from './schema.js';

export interface ConversationState {
  tenantId: string;
  agentId: string;
  conversationId: string;
  channel: string;
  sdkSessionId: string | null;
  /** Keyed hash of the customer it belongs to; null for a conversation started without a customer. */
  customerHash: string | null;
  turns: number;
  createdAt: number;
  updatedAt: number;
}

export class ConversationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(
    tenantId: string,
    agentId: string,
    conversationId: string,
  ): Promise<ConversationState | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('agent_id', '=', agentId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      tenantId: row.tenant_id,
      agentId: row.agent_id,
      conversationId: row.conversation_id,
      channel: row.channel,
      sdkSessionId: row.sdk_session_id,
      customerHash: row.customer_hash,
      turns: Number(row.turns),
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    };
  }

  /**
   * Starts a conversation that belongs to `customerHash`, before its first turn runs (no turns yet).
   * False when the id is taken: the caller must not continue someone else's conversation.
   */
  async start(input: {
    tenantId: string;
    agentId: string;
    conversationId: string;
    channel: string;
    customerHash: string;
    at: number;
  }): Promise<boolean> {
    const result = await this.db
      .insertInto('conversations')
      .values({
        tenant_id: input.tenantId,
        agent_id: input.agentId,
        conversation_id: input.conversationId,
        channel: input.channel,
        sdk_session_id: null,
        customer_hash: input.customerHash,
        turns: 0,
        created_at: input.at,
        updated_at: input.at,
      })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'agent_id', 'conversation_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /**
   * Forgets the SDK session of a conversation whose last turn was before `idleSince` (its context expired):
   * the next turn starts a new session. True when one was forgotten.
   */
  async forgetIdleSession(input: {
    tenantId: string;
    agentId: string;
    conversationId: string;
    idleSince: number;
  }): Promise<boolean> {
    const result = await this.db
      .updateTable('conversations')
      .set({ sdk_session_id: null })
      .where('tenant_id', '=', input.tenantId)
      .where('agent_id', '=', input.agentId)
      .where('conversation_id', '=', input.conversationId)
      .where('updated_at', '<', input.idleSince)
      .where('sdk_session_id', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Records a turn; keeps the previous session id when `sdkSessionId` is null (a turn no model answered). */
  async recordTurn(input: ConversationTurn, db: Kysely<Database> = this.db): Promise<void> {
    await conversationTurns.flush(db, [input]);
  }
}

/** A conversation's turn, as `recordTurn` takes it. */
export interface ConversationTurn {
  tenantId: string;
  agentId: string;
  conversationId: string;
  channel: string;
  sdkSessionId: string | null;
  at: number;
}

/**
 * Turns' upserts (several conversations per statement). The owner stays as the conversation started; a
 * turn no model answered (a null session id) keeps the previous session id.
 */
const recordTurnsQuery = compiledRowsQuery(8, (db: Kysely<Database>, rows) =>
  db
    .insertInto('conversations')
    .values(
      rows.map(([tenantId, agentId, conversationId, channel, sdkSessionId, turns, first, at]) => ({
        tenant_id: tenantId as string,
        agent_id: agentId as string,
        conversation_id: conversationId as string,
        channel: channel as string,
        sdk_session_id: sdkSessionId as string | null,
        turns: turns as number,
        created_at: first as number,
        updated_at: at as number,
      })),
    )
    .onConflict((conflict) =>
      conflict.columns(['tenant_id', 'agent_id', 'conversation_id']).doUpdateSet((eb) => ({
        turns: eb('conversations.turns', '+', eb.ref('excluded.turns')),
        updated_at: eb.ref('excluded.updated_at'),
        sdk_session_id: eb.fn.coalesce(
          eb.ref('excluded.sdk_session_id'),
          eb.ref('conversations.sdk_session_id'),
        ),
      })),
    ),
);

/**
 * Turns handed to a shared transaction (`rows.add(conversationTurns, turn)` in `store.batchWrite`): the
 * turns of one conversation added up (its count, its latest time, its latest session id), then one
 * multi-row upsert for all of them before it commits: what `recordTurn` once per turn would leave. A
 * statement may not touch one row twice (PostgreSQL), hence one row per conversation.
 */
export const conversationTurns: RowKind<ConversationTurn> = {
  async flush(db, turns) {
    const byConversation = new Map<
      string,
      { turn: ConversationTurn; count: number; first: number; at: number; sdkSessionId: string | null }
    >();
    for (const turn of turns) {
      const key = JSON.stringify([turn.tenantId, turn.agentId, turn.conversationId]);
      const seen = byConversation.get(key);
      if (!seen) {
        byConversation.set(key, {
          turn,
          count: 1,
          first: turn.at,
          at: turn.at,
          sdkSessionId: turn.sdkSessionId,
        });
        continue;
      }
      seen.count++;
      seen.first = Math.min(seen.first, turn.at);
      seen.at = Math.max(seen.at, turn.at);
      // A later turn no model answered (null) keeps the session id of an earlier one, as recordTurn does.
      if (turn.sdkSessionId !== null) seen.sdkSessionId = turn.sdkSessionId;
    }
    await recordTurnsQuery(
      db,
      [...byConversation.values()].map(({ turn, count, first, at, sdkSessionId }) => [
        turn.tenantId,
        turn.agentId,
        turn.conversationId,
        turn.channel,
        sdkSessionId,
        count,
        first,
        at,
      ]),
    );
  },
};
