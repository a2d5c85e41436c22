/** The notice a person gets of an urgent customer message: sent from the agent's own destination on the configured channel, once (through the outbox). */
import { StewardError } from '../errors/index.js';
import type { ChannelAdapter } from './adapter.js';
import type { ChannelBindings } from './store/bindings.js';
import type { QueuedMessage } from './store/inbound-queue.js';
import type { StoreOutbox } from './store/outbox.js';
import { isAtLeast, noticeTextOf, type UrgencyNotice } from './urgency-inbound.js';

/** `sent`, or why not: none configured, the level under `minLevel`, or the reason it failed. */
export type NoticeOutcome = 'sent' | 'not-configured' | 'below-threshold' | `failed: ${string}`;

/** Sends the notice of `job`'s message when `notice` asks for its level; never throws (a failure is the outcome). */
export async function sendUrgentNotice(input: {
  job: QueuedMessage;
  notice: UrgencyNotice | undefined;
  adapters: ReadonlyMap<string, ChannelAdapter>;
  bindings: ChannelBindings;
  outbox: StoreOutbox;
}): Promise<NoticeOutcome> {
  const { job, notice } = input;
  const { message } = job;
  if (!notice) return 'not-configured';
  if (!isAtLeast(message.urgency, notice.minLevel)) return 'below-threshold';
  try {
    const adapter = input.adapters.get(notice.channel);
    if (!adapter?.notify) {
      throw new StewardError('invalid-config', `the ${notice.channel} channel is not configured here`);
    }
    // The notice goes out from the agent's own destination on that channel (its number, workspace, address).
    const summary = (await input.bindings.list(message.tenantId)).find(
      (bound) => bound.channel === notice.channel && bound.agentId === message.agentId,
    );
    const binding = summary && (await input.bindings.resolve(summary.channel, summary.routeKey));
    if (!binding) {
      throw new StewardError(
        'invalid-config',
        `${message.tenantId}/${message.agentId} has no ${notice.channel} destination to send the notice from`,
      );
    }
    await adapter.notify(
      {
        to: notice.to,
        text: noticeTextOf({
          level: message.urgency,
          reasons: message.urgencyReasons ?? [],
          channel: message.channel,
          tenantId: message.tenantId,
          agentId: message.agentId,
          senderId: message.sender.id,
        }),
      },
      {
        binding,
        outbox: input.outbox.forMessage(job.id, message.tenantId, notice.channel),
        deliveryId: `${job.id}:urgent-notice`,
      },
    );
    return 'sent';
  } catch (error) {
    return `failed: ${(error instanceof Error ? error.message : String(error)).slice(0, 500)}`;
  }
}
