/**
 * Who the customer of an HTTP request is, from what the route verified: the key's role, the sender id a
 * chat key vouches for, or a conversation token. Shared by the message and feedback routes.
 */
import { StewardError } from '../../errors/index.js';
import type { Role } from '../keys/index.js';
import { type ConversationScope, type ConversationTokens, senderCustomer } from './conversation-tokens.js';

export interface MessageCaller {
  /** The role of the caller's key. */
  role: Role;
  tenantId: string;
  agentId: string;
  /** The conversation the message continues, if any. */
  conversationId?: string | undefined;
  senderId?: string | undefined;
  conversationToken?: string | undefined;
}

/**
 * - `customer`: the message runs as this customer; `issueToken` when the reply must carry a new
 *   conversation token (a new conversation of an anonymous web-chat customer);
 * - `operator`: no customer (an operator's or admin's own message): conversations of no customer only.
 */
export type MessageCustomer =
  | { kind: 'customer'; customerKey: string; issueToken: boolean }
  | { kind: 'operator' };

/**
 * A conversation token wins, then a sender id; a chat key with neither starts an anonymous conversation
 * (its reply carries the token) and may not continue one without its token. Other roles without either
 * act as operators.
 *
 * @example
 * const customer = customerOfMessage(tokens, { role: caller.role, tenantId, agentId, ...body });
 */
export function customerOfMessage(tokens: ConversationTokens, caller: MessageCaller): MessageCustomer {
  if (caller.conversationToken !== undefined) {
    if (caller.conversationId === undefined) {
      throw new StewardError(
        'invalid-request',
        'conversationToken continues a conversation: send it with the conversationId it came with',
        { details: { field: 'conversationId' } },
      );
    }
    const scope: ConversationScope = {
      tenantId: caller.tenantId,
      agentId: caller.agentId,
      conversationId: caller.conversationId,
    };
    return {
      kind: 'customer',
      customerKey: tokens.verify(caller.conversationToken, scope),
      issueToken: false,
    };
  }
  if (caller.senderId !== undefined) {
    return { kind: 'customer', customerKey: senderCustomer(caller.senderId), issueToken: false };
  }
  if (caller.role !== 'chat') return { kind: 'operator' };
  if (caller.conversationId !== undefined) {
    throw new StewardError(
      'invalid-request',
      'a chat key continues a conversation with the conversationToken of its first reply, or with the senderId that started it',
      { details: { field: 'conversationToken' } },
    );
  }
  return { kind: 'customer', customerKey: tokens.newCustomer(), issueToken: true };
}

/**
 * The customer key feedback is given as, or undefined when the caller rates as an operator (any role
 * but `chat`). A chat key names the customer by the sender id, or by the conversation token of the
 * interaction's conversation.
 */
export function customerOfFeedback(
  tokens: ConversationTokens,
  caller: { role: Role; senderId?: string | undefined; conversationToken?: string | undefined },
  interaction: ConversationScope,
): string | undefined {
  if (caller.role !== 'chat') return undefined;
  if (caller.conversationToken !== undefined) return tokens.verify(caller.conversationToken, interaction);
  if (caller.senderId !== undefined) return senderCustomer(caller.senderId);
  throw new StewardError(
    'invalid-request',
    'a chat key gives feedback as a customer: send the senderId, or the conversationToken of the conversation',
    { details: { field: 'senderId' } },
  );
}
