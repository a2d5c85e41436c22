/**
 * Outbound idempotency: each part of a reply has a key, recorded `pending` before the provider call and
 * `sent` after it. A retry skips a `sent` part; for a `pending` one (the process died between the
 * provider's accept and our record) it asks the provider whether the part arrived before sending again.
 */
import type { StewardStore } from '../../store/index.js';
import type { Outbox, SendOnce } from '../adapter.js';
import { channelTables } from './tables.js';

export class StoreOutbox {
  private readonly db;

  constructor(
    store: StewardStore,
    private readonly now: () => number = Date.now,
  ) {
    this.db = channelTables(store.db);
  }

  /** The outbox of one inbound message. */
  forMessage(inboundId: string, tenantId: string, channel: string): Outbox {
    return { once: (key, sendOnce) => this.once(inboundId, tenantId, channel, key, sendOnce) };
  }

  /** The parts recorded for a message (for tests and the API). */
  async parts(
    inboundId: string,
  ): Promise<Array<{ key: string; state: string; providerMessageId: string | null }>> {
    const rows = await this.db
      .selectFrom('channel_outbound')
      .select(['idempotency_key', 'state', 'provider_message_id'])
      .where('inbound_id', '=', inboundId)
      .orderBy('created_at')
      .orderBy('idempotency_key')
      .execute();
    return rows.map((row) => ({
      key: row.idempotency_key,
      state: row.state,
      providerMessageId: row.provider_message_id,
    }));
  }

  private async once(
    inboundId: string,
    tenantId: string,
    channel: string,
    key: string,
    sendOnce: SendOnce,
  ): Promise<string> {
    const existing = await this.db
      .selectFrom('channel_outbound')
      .select(['state', 'provider_message_id'])
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    if (existing?.state === 'sent' && existing.provider_message_id !== null)
      return existing.provider_message_id;
    if (existing) {
      const found = await sendOnce.findSent();
      if (found !== undefined) {
        await this.markSent(key, found);
        return found;
      }
    } else {
      await this.db
        .insertInto('channel_outbound')
        .values({
          idempotency_key: key,
          inbound_id: inboundId,
          tenant_id: tenantId,
          channel,
          state: 'pending',
          provider_message_id: null,
          created_at: this.now(),
          sent_at: null,
        })
        .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
        .execute();
    }
    const providerMessageId = await sendOnce.send();
    await this.markSent(key, providerMessageId);
    return providerMessageId;
  }

  private async markSent(key: string, providerMessageId: string): Promise<void> {
    await this.db
      .updateTable('channel_outbound')
      .set({ state: 'sent', provider_message_id: providerMessageId, sent_at: this.now() })
      .where('idempotency_key', '=', key)
      .execute();
  }
}
