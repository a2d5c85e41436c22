/**
 * The interactions each capability took part in, and in which arm: feedback and trust's failures arrive
 * after the turn (on any instance, or after a restart), and this is how they find the arm to count against.
 */
import type { Kysely } from 'kysely';
import type { StewardStore } from '../store/index.js';
import type { InteractionArm } from './canary-arms.js';
import type { CapabilitySelector } from './capability-store.js';

interface CapabilityInteractionRow {
  tenant_id: string;
  agent_id: string;
  interaction_id: string;
  capability_id: string;
  arm: InteractionArm;
  feedback: string | null;
  failed: number;
  created_at: number;
}

type InteractionTables = {
  capability_interactions: CapabilityInteractionRow;
  interactions: { id: string; tenant_id: string; agent_id: string; request_text: string; created_at: number };
};

/**
 * @example
 * const interactions = new CapabilityInteractions(store, Date.now);
 * await interactions.recordInteraction(selector, { interactionId, capabilityId, arm: 'canary' });
 * await interactions.markInteraction(selector, interactionId, { feedback: 'negative' }); // [{ capabilityId, arm }]
 */
export class CapabilityInteractions {
  private readonly db: Kysely<InteractionTables>;

  constructor(
    store: StewardStore,
    private readonly now: () => number,
  ) {
    this.db = store.db.withTables<InteractionTables>() as unknown as Kysely<InteractionTables>;
  }

  /**
   * Remembers that an interaction was in `arm` of a capability, so feedback and trust failures that arrive
   * later (on any instance) count against that arm; false when it was already recorded.
   */
  async recordInteraction(
    selector: CapabilitySelector,
    entry: { interactionId: string; capabilityId: string; arm: InteractionArm },
  ): Promise<boolean> {
    const result = await this.db
      .insertInto('capability_interactions')
      .values({
        tenant_id: selector.tenantId,
        agent_id: selector.agentId,
        interaction_id: entry.interactionId,
        capability_id: entry.capabilityId,
        arm: entry.arm,
        feedback: null,
        failed: 0,
        created_at: this.now(),
      })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'agent_id', 'interaction_id', 'capability_id']).doNothing(),
      )
      .returning('capability_id')
      .execute();
    return result.length > 0;
  }

  /**
   * Marks the interaction's first rating (or trust's failure) on every capability it took part in, and
   * returns the capabilities and arms it newly applies to: a repeated rating or failure counts once.
   */
  async markInteraction(
    selector: CapabilitySelector,
    interactionId: string,
    mark: { feedback: 'positive' | 'negative' } | { failed: true },
  ): Promise<Array<{ capabilityId: string; arm: InteractionArm }>> {
    const base = this.db
      .updateTable('capability_interactions')
      .where('tenant_id', '=', selector.tenantId)
      .where('agent_id', '=', selector.agentId)
      .where('interaction_id', '=', interactionId);
    const query =
      'feedback' in mark
        ? base.set({ feedback: mark.feedback }).where('feedback', 'is', null)
        : base.set({ failed: 1 }).where('failed', '=', 0);
    const rows = await query.returning(['capability_id', 'arm']).execute();
    return rows.map((row) => ({ capabilityId: row.capability_id, arm: row.arm }));
  }

  /**
   * The requests a capability's handler failed on, newest first: its call threw or timed out (the chain
   * answered), its reply was rated negative, or trust recorded the interaction as failed. What a
   * regenerated handler is shown as counter-examples.
   */
  async failedRequests(selector: CapabilitySelector, capabilityId: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('capability_interactions as taken')
      .innerJoin('interactions as interaction', (join) =>
        join
          .onRef('interaction.id', '=', 'taken.interaction_id')
          .onRef('interaction.tenant_id', '=', 'taken.tenant_id')
          .onRef('interaction.agent_id', '=', 'taken.agent_id'),
      )
      .select(['interaction.request_text as request'])
      .where('taken.tenant_id', '=', selector.tenantId)
      .where('taken.agent_id', '=', selector.agentId)
      .where('taken.capability_id', '=', capabilityId)
      .where((eb) =>
        eb.or([
          eb('taken.arm', '=', 'canary-fallback'),
          eb('taken.feedback', '=', 'negative'),
          eb('taken.failed', '=', 1),
        ]),
      )
      .orderBy('taken.created_at', 'desc')
      .orderBy('taken.interaction_id')
      .limit(limit)
      .execute();
    return [...new Set(rows.map((row) => row.request))];
  }

  /** Forgets interactions older than `before` (feedback on them no longer counts); returns how many. */
  async pruneInteractions(selector: CapabilitySelector, before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('capability_interactions')
      .where('tenant_id', '=', selector.tenantId)
      .where('agent_id', '=', selector.agentId)
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
