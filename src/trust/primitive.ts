/**
 * Trust as a pipeline primitive: before each turn it sets the permission guard at the agent's current
 * level; after the turn it records the outcome (which may move the level); feedback counts too.
 */
import { definePrimitive, type Primitive } from '../pipeline/index.js';
import type { ResolvedTrustConfig } from './config.js';
import { Trust, TrustRunGuard } from './trust.js';

/** The opened trust primitive of one agent; `trust` is what `agent.trust()` returns. */
export interface TrustPrimitive extends Primitive {
  readonly name: 'trust';
  readonly trust: Trust;
}

/** Opens when the agent's config has a `trust` section. */
export const trustPrimitive = definePrimitive({
  name: 'trust',
  open(context, config: { trust?: ResolvedTrustConfig | undefined }): TrustPrimitive | undefined {
    if (!config.trust) return undefined;
    const { redactor } = context;
    const trust = new Trust(context.store, config.trust, {
      now: context.now,
      createId: context.createId,
      bus: context.events,
      ...(redactor.enabled ? { redactor } : {}),
    });
    const scope = { tenantId: context.tenantId, agentId: context.agentId };
    return {
      name: 'trust',
      trust,
      warnings: trust.warnings.map((warning) => `agent ${context.agentId}: ${warning}`),
      async beforeTurn(turn) {
        const guard = await trust.guardFor(scope, turn.interactionId);
        turn.permissionGuard = guard;
        turn.policyKey = trust.policyKey(guard.level);
      },
      async afterTurn({ context: turn, record }) {
        const guard = turn.permissionGuard instanceof TrustRunGuard ? turn.permissionGuard : undefined;
        await trust.recordInteraction(record, guard);
      },
      async onFeedback({ interactionId, rating }) {
        await trust.service.recordFeedback(scope, interactionId, rating);
      },
    };
  },
});
