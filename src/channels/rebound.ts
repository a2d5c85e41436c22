/**
 * A claimed message whose destination is no longer its agent's: the webhook path routes through a cache of a
 * few seconds, so a rebind on another instance can queue a message for the destination's previous owner. The
 * worker checks the binding before answering and never lets the previous owner answer: a message received
 * after the destination was bound to its new owner is moved to that owner once (audited there as re-routed);
 * one received before the change, or whose destination is now unbound, is dropped with a recorded reason.
 */
import type { ChannelBinding } from './adapter.js';
import type { ChannelEventScope, ChannelMessage, Urgency } from './message.js';
import type { InboundFileStore } from './store/inbound-file-store.js';
import type { InboundDigests, InboundQueue, QueuedMessage } from './store/inbound-queue.js';
import { scoreUrgency } from './urgency/index.js';
import type { SenderHistory } from './urgency-context.js';
import type { ChannelHandling } from './urgency-inbound.js';

declare module '../events/index.js' {
  interface StewardEventMap {
    /**
     * A message routed by a stale binding reached this agent, the destination's owner, from the agent it was
     * first queued for (named only when it is the same tenant's; another tenant is never named).
     */
    'channel-message-rerouted': ChannelEventScope & {
      reason: 'stale-route';
      previousAgentId: string | null;
      reroutedAt: number;
    };
  }
}

/** Why a claimed message was dropped: the `channel_drops` reason and the queue row's last error. */
export type ReboundDropReason = 'unknown-destination' | 'destination-rebound';

export type ReboundOutcome =
  | { kind: 'answer'; binding: ChannelBinding }
  | { kind: 'rerouted'; tenantId: string; agentId: string }
  | { kind: 'dropped'; reason: ReboundDropReason }
  /** Another worker took the message over meanwhile: nothing was changed. */
  | { kind: 'lost-lease' };

export interface ReboundOptions {
  queue: InboundQueue;
  inboundFiles: InboundFileStore;
  senderHistory: SenderHistory;
  handlingOf: ((tenantId: string, agentId: string) => ChannelHandling | undefined) | undefined;
  recordDrop: (channel: string, providerId: string, routeKey: string, reason: string) => Promise<void>;
  workerId: string;
  now: () => number;
}

/**
 * Decides who answers a claimed message, from its destination's binding read now (not through the cache).
 *
 * @example
 * const outcome = await settleDestination(job, await bindings.resolve(channel, routeKey), options);
 * if (outcome.kind === 'answer') await answer(job, outcome.binding);
 */
export async function settleDestination(
  job: QueuedMessage,
  binding: ChannelBinding | undefined,
  options: ReboundOptions,
): Promise<ReboundOutcome> {
  const { message } = job;
  if (binding && binding.tenantId === message.tenantId && binding.agentId === message.agentId) {
    return { kind: 'answer', binding };
  }
  // Received after the destination was bound to its new owner: only a stale route sent it here. Once.
  const staleRoute =
    binding !== undefined &&
    binding.updatedAt !== undefined &&
    binding.updatedAt <= message.receivedAt &&
    message.reroutedFrom === undefined;
  if (binding && staleRoute) {
    const owned: ChannelMessage = {
      ...message,
      tenantId: binding.tenantId,
      agentId: binding.agentId,
      reroutedFrom: { tenantId: message.tenantId, agentId: message.agentId, at: options.now() },
    };
    const digests = await options.senderHistory.digestsOf(owned);
    const moved = await rescored(job.id, owned, digests, options);
    const from = { tenantId: message.tenantId, agentId: message.agentId };
    if (!(await options.queue.reroute(job.id, options.workerId, from, moved, digests, options.now()))) {
      return { kind: 'lost-lease' };
    }
    return { kind: 'rerouted', tenantId: binding.tenantId, agentId: binding.agentId };
  }
  // Unbound, or the previous owner's message from before the change: nobody may answer it from there now.
  const reason: ReboundDropReason = binding ? 'destination-rebound' : 'unknown-destination';
  if (!(await options.queue.drop(job.id, options.workerId, options.now(), reason))) {
    return { kind: 'lost-lease' };
  }
  await options.recordDrop(message.channel, message.providerId, message.routeKey, reason);
  await options.inboundFiles
    .drop({ tenantId: message.tenantId, agentId: message.agentId, inboundId: job.id })
    .catch(() => {});
  return { kind: 'dropped', reason };
}

/** The message scored as its new owner scores (its own `detectUrgency`, its own history of the sender). */
async function rescored(
  id: string,
  message: ChannelMessage,
  digests: InboundDigests,
  options: ReboundOptions,
): Promise<ChannelMessage> {
  const { urgency: _previous, urgencyReasons: _reasons, urgencyContextPending: _pending, ...rest } = message;
  if (!options.handlingOf?.(message.tenantId, message.agentId)?.detectUrgency) {
    return { ...rest, urgency: 'normal' satisfies Urgency };
  }
  const score = scoreUrgency(message.text, await options.senderHistory.contextOf(message, digests, id));
  return { ...rest, urgency: score.level, urgencyReasons: score.reasons };
}
