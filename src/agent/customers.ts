/**
 * Conversations belong to their customer (issue 12): the keyed hash a customer is stored as, and the
 * check every turn passes before any tier runs, so nobody continues (or resumes the SDK session of)
 * a conversation that is not theirs.
 */
import { createHmac } from 'node:crypto';
import { StewardError } from '../errors/index.js';
import type { EventBus } from '../events/index.js';
import type { StewardStore } from '../store/index.js';

/** The store key (`store.deriveKey`) customers' hashes are made with. */
export const customerHashPurpose = 'customer-hash';

/**
 * The stored form of a customer: HMAC-SHA256 over the tenant and the opaque customer key, hex. Keyed,
 * so a sender id that is a phone number cannot be found again by hashing every number.
 */
export function customerHash(key: Buffer, tenantId: string, customerKey: string): string {
  return createHmac('sha256', key)
    .update(JSON.stringify([tenantId, customerKey]))
    .digest('hex');
}

/** How a customer is named as an audit actor: a prefix of their keyed hash, never their id. */
export function customerActor(hash: string): string {
  return `customer:${hash.slice(0, 16)}`;
}

/** The 404 of a conversation that does not exist, is another customer's, or belongs to none while the caller is one. */
export function conversationNotFound(conversationId: string): StewardError {
  const shown = /^[A-Za-z0-9._:-]*/.exec(conversationId.slice(0, 64))![0];
  return new StewardError(
    'not-found',
    `there is no conversation "${shown}${shown.length < conversationId.length ? '…' : ''}"; omit conversationId to start one`,
  );
}

export interface BindRequest {
  tenantId: string;
  agentId: string;
  /** The conversation the message continues, or undefined for a new one. */
  conversationId: string | undefined;
  channel: string;
  /** The caller's customer hash, or null for a caller without a customer (trusted library code, an operator). */
  customerHash: string | null;
  at: number;
  createId: () => string;
}

/**
 * The conversation id this turn runs in, once the caller may use it. A customer starts a conversation by
 * omitting its id (the row is written now, bound to them) and continues only their own; a caller without
 * a customer continues only conversations that belong to no customer, and may name a new id (as before
 * conversations had owners). Anything else throws `conversationNotFound`, the same answer as for an id
 * that does not exist, after emitting `conversation-access-refused` (the audit log keeps the attempt).
 */
export async function bindConversation(
  store: StewardStore,
  events: EventBus,
  request: BindRequest,
): Promise<string> {
  const { tenantId, agentId, customerHash: caller } = request;
  if (request.conversationId === undefined) {
    const conversationId = request.createId();
    if (caller !== null) {
      const started = await store.conversations.start({
        tenantId,
        agentId,
        conversationId,
        channel: request.channel,
        customerHash: caller,
        at: request.at,
      });
      if (!started)
        throw new StewardError('internal', 'a new conversation id was already taken; createId repeats');
    }
    return conversationId;
  }
  const conversation = await store.conversations.get(tenantId, agentId, request.conversationId);
  const owner = conversation?.customerHash ?? null;
  const allowed = caller === null ? owner === null : conversation !== undefined && owner === caller;
  if (!allowed) {
    await events.emit('conversation-access-refused', {
      tenantId,
      agentId,
      conversationId: request.conversationId,
      channel: request.channel,
      at: request.at,
      ...(caller === null ? {} : { actor: customerActor(caller) }),
      reason: conversation === undefined ? 'no-such-conversation' : 'another-customer',
    });
    throw conversationNotFound(request.conversationId);
  }
  return request.conversationId;
}
