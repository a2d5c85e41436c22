/** Per-tenant channel analytics from the queue and the outbox: messages in and out, outcomes, reply latency, urgency mix. */
import type { StewardStore } from '../store/index.js';
import type { Urgency } from './message.js';
import { channelTables } from './store/tables.js';

export interface ChannelStats {
  channel: string;
  messagesIn: number;
  replied: number;
  failed: number;
  /**
   * Messages taken but not answered by design: e.g. their destination was rebound to another tenant's agent
   * after they were queued (see rebound.ts), counted by reason. Not pending: nothing will answer them.
   */
  dropped: number;
  droppedBy: Record<string, number>;
  pending: number;
  /** Reply parts the provider accepted. */
  partsSent: number;
  /** From receipt to the reply's last part, over the latest 1,000 replied messages; null when none. */
  replyLatencyMs: { p50: number; p95: number } | null;
  urgency: Record<Urgency, number>;
}

const urgencyOfPriority: Urgency[] = ['low', 'normal', 'high', 'critical'];

/**
 * @example
 * const stats = await channelStats(store, 'acme', { since: Date.now() - 86_400_000 });
 */
export async function channelStats(
  store: StewardStore,
  tenantId: string,
  options: { since?: number } = {},
): Promise<ChannelStats[]> {
  const db = channelTables(store.db);
  const since = options.since ?? 0;
  const counts = await db
    .selectFrom('channel_inbound')
    .select(['channel', 'status', 'priority', (eb) => eb.fn.countAll<number>().as('count')])
    .where('tenant_id', '=', tenantId)
    .where('received_at', '>=', since)
    .groupBy(['channel', 'status', 'priority'])
    .execute();
  const parts = await db
    .selectFrom('channel_outbound')
    .select(['channel', (eb) => eb.fn.countAll<number>().as('count')])
    .where('tenant_id', '=', tenantId)
    .where('state', '=', 'sent')
    .where('created_at', '>=', since)
    .groupBy('channel')
    .execute();
  const byChannel = new Map<string, ChannelStats>();
  const entry = (channel: string) => {
    let stats = byChannel.get(channel);
    if (!stats) {
      stats = {
        channel,
        messagesIn: 0,
        replied: 0,
        failed: 0,
        dropped: 0,
        droppedBy: {},
        pending: 0,
        partsSent: 0,
        replyLatencyMs: null,
        urgency: { low: 0, normal: 0, high: 0, critical: 0 },
      };
      byChannel.set(channel, stats);
    }
    return stats;
  };
  for (const row of counts) {
    const stats = entry(row.channel);
    const count = Number(row.count);
    stats.messagesIn += count;
    if (row.status === 'done') stats.replied += count;
    else if (row.status === 'failed') stats.failed += count;
    else if (row.status === 'dropped') stats.dropped += count;
    else stats.pending += count;
    const urgency = urgencyOfPriority[row.priority];
    if (urgency) stats.urgency[urgency] += count;
  }
  for (const row of parts) entry(row.channel).partsSent = Number(row.count);
  if (counts.some((row) => row.status === 'dropped')) {
    const reasons = await db
      .selectFrom('channel_inbound')
      .select(['channel', 'last_error', (eb) => eb.fn.countAll<number>().as('count')])
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'dropped')
      .where('received_at', '>=', since)
      .groupBy(['channel', 'last_error'])
      .execute();
    for (const row of reasons) {
      const droppedBy = entry(row.channel).droppedBy;
      const reason = row.last_error ?? 'unknown';
      droppedBy[reason] = (droppedBy[reason] ?? 0) + Number(row.count);
    }
  }
  for (const stats of byChannel.values()) {
    const rows = await db
      .selectFrom('channel_inbound')
      .select(['received_at', 'completed_at'])
      .where('tenant_id', '=', tenantId)
      .where('channel', '=', stats.channel)
      .where('status', '=', 'done')
      .where('received_at', '>=', since)
      .orderBy('completed_at', 'desc')
      .limit(1_000)
      .execute();
    const latencies = rows
      .map((row) => Number(row.completed_at) - Number(row.received_at))
      .sort((left, right) => left - right);
    if (latencies.length > 0) {
      const at = (fraction: number) =>
        latencies[Math.min(latencies.length - 1, Math.ceil(fraction * latencies.length) - 1)]!;
      stats.replyLatencyMs = { p50: at(0.5), p95: at(0.95) };
    }
  }
  return [...byChannel.values()].sort((left, right) => left.channel.localeCompare(right.channel));
}
