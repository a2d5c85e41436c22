/**
 * What settled runs measured, read back to size the next reservations: how far the agent's recent runs
 * went beyond the known input part of their reservation, and the size of a conversation's last turn (the
 * history its next turn resends).
 */
import type { StewardStore } from '../../store/index.js';
import type { BudgetDb } from './budget-ledger.js';
import type { BudgetTables } from './schema.js';

export interface BudgetScopeKey {
  tenantId: string;
  agentId: string;
}

export class BudgetHistory {
  private readonly db: BudgetDb;

  constructor(store: StewardStore) {
    this.db = store.db.withTables<BudgetTables>() as unknown as BudgetDb;
  }

  /**
   * For the agent's last `limit` measured runs, newest (by when they were reserved) first: actual cost minus the input part of the
   * reservation, in micro-dollars (negative when the input bound alone covered the run).
   */
  async beyondInput(scope: BudgetScopeKey, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('budget_reservations')
      .select(['actual_micro_usd', 'input_micro_usd'])
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('status', '=', 'settled')
      .where('prompt_tokens', 'is not', null)
      .where('input_micro_usd', 'is not', null)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => Number(row.actual_micro_usd ?? 0) - Number(row.input_micro_usd ?? 0));
  }

  /** The tokens the conversation's last measured run sent and wrote, when one was recorded. */
  async lastTurn(
    scope: BudgetScopeKey,
    conversationId: string,
  ): Promise<{ promptTokens: number; outputTokens: number } | undefined> {
    const row = await this.db
      .selectFrom('budget_reservations')
      .select(['prompt_tokens', 'output_tokens'])
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('conversation_id', '=', conversationId)
      .where('prompt_tokens', 'is not', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return undefined;
    return { promptTokens: Number(row.prompt_tokens), outputTokens: Number(row.output_tokens ?? 0) };
  }
}
