/**
 * The context an inbound message's urgency is scored in: what the same sender (the same identity, or any
 * identity of the same linked contact) wrote to the same tenant's agent in the last day, and the level of the
 * conversation's previous message, read with one indexed query (after one primary-key lookup of the sender's
 * linked contact). Senders and conversations are kept on the queue's rows only as keyed digests, so the queue
 * never holds a phone number or an address in the clear.
 */
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StewardStore } from '../store/index.js';
import { type Contacts, type Identity, identityOfMessage } from './contacts/index.js';
import { type ChannelMessage, type Urgency, urgencyPriority } from './message.js';
import type { InboundDigests } from './store/inbound-queue.js';
import { type ChannelTables, channelTables } from './store/tables.js';
import type { UrgencyContext } from './urgency/index.js';

/** The purpose of the key the digests are made with (`store.deriveKey`): the same on every instance. */
export const senderDigestKeyPurpose = 'channel-sender-digest';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** Enough to tell "writing again and again" apart; a flood past it counts the same. */
const HISTORY_LIMIT = 50;

const levelOfPriority = new Map<number, Urgency>(
  Object.entries(urgencyPriority).map(([level, priority]) => [priority, level as Urgency]),
);

/**
 * @example
 * const history = new SenderHistory(store, contacts);
 * const digests = await history.digestsOf(message);
 * await queue.enqueue(id, message, now, digests);
 * const score = scoreUrgency(message.text, await history.contextOf(message, digests, id));
 */
export class SenderHistory {
  private readonly db: Kysely<ChannelTables>;

  constructor(
    private readonly store: StewardStore,
    private readonly contacts: Contacts,
  ) {
    this.db = channelTables(store.db);
  }

  /** The digests kept on the message's row: its sender's identity and its conversation, per tenant. */
  async digestsOf(message: ChannelMessage): Promise<InboundDigests> {
    const key = await this.store.deriveKey(senderDigestKeyPurpose);
    return {
      sender: senderDigest(key, message.tenantId, senderIdentityOf(message)),
      conversation: digest(key, [message.tenantId, 'conversation', message.channel, message.conversationKey]),
    };
  }

  /**
   * The sender's messages to this tenant's agent in the 24 hours before this one (a linked contact's on every
   * channel), and the level of the previous one in its conversation (a linked contact has one conversation).
   * Read once the message (queue row `id`) is committed: "before" is an earlier `received_at`, or the same
   * millisecond and a smaller id, so a burst committed together counts as if accepted one by one, and a
   * message never counts itself.
   */
  async contextOf(message: ChannelMessage, digests: InboundDigests, id: string): Promise<UrgencyContext> {
    const identity = identityOfMessage(message);
    const linked = identity ? await this.contacts.linkedIdentitiesOf(message.tenantId, identity) : [];
    const key = await this.store.deriveKey(senderDigestKeyPurpose);
    const senders =
      linked.length > 0 ? linked.map((each) => senderDigest(key, message.tenantId, each)) : [digests.sender];
    const at = message.receivedAt;
    const rows = await this.db
      .selectFrom('channel_inbound')
      .select(['received_at', 'priority', 'conversation_digest'])
      .where('tenant_id', '=', message.tenantId)
      .where('agent_id', '=', message.agentId)
      .where('sender_digest', 'in', senders)
      .where('received_at', '>=', at - DAY_MS)
      .where((eb) =>
        eb.or([eb('received_at', '<', at), eb.and([eb('received_at', '=', at), eb('id', '<', id)])]),
      )
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(HISTORY_LIMIT)
      .execute();
    const previous =
      linked.length > 0 ? rows[0] : rows.find((row) => row.conversation_digest === digests.conversation);
    const previousLevel = previous === undefined ? undefined : levelOfPriority.get(previous.priority);
    return {
      recentMessagesFromSender: rows.length,
      messagesInLastHour: rows.filter((row) => row.received_at >= at - HOUR_MS).length,
      ...(previousLevel === undefined ? {} : { previousLevel }),
    };
  }
}

/** Who wrote it: a contact-linkable identity when the channel has one, else the provider's sender id. */
function senderIdentityOf(message: ChannelMessage): Identity | { kind: string; value: string } {
  return identityOfMessage(message) ?? { kind: `${message.channel}-sender`, value: message.sender.id };
}

function senderDigest(key: Buffer, tenantId: string, identity: { kind: string; value: string }): string {
  return digest(key, [tenantId, 'sender', identity.kind, identity.value]);
}

/** HMAC-SHA256 of NUL-joined parts, hex (64 characters, the columns' width). */
function digest(key: Buffer, parts: readonly string[]): string {
  return createHmac('sha256', key).update(parts.join('\u0000')).digest('hex');
}
