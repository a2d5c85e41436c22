/**
 * Signed conversation tokens for the web chat, whose customers have no sender id: the first reply of a
 * new conversation carries a token that names an anonymous customer and is bound by HMAC to its tenant,
 * agent and conversation; continuing the conversation needs it back. Timing-safe; a token of another
 * tenant, agent or conversation answers exactly like a conversation that does not exist.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { conversationNotFound } from '../../agent/index.js';
import { StewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';

/** The store key (`store.deriveKey`) tokens are signed with. */
export const conversationTokenPurpose = 'conversation-token';

/** Customer keys of the anonymous web-chat customers a token stands for. */
const anonymousPrefix = 'web:';
const version = 'cv1';
const nonceBytes = 16;
const tokenPattern = /^cv1\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** Where a conversation lives: what a token is bound to. */
export interface ConversationScope {
  tenantId: string;
  agentId: string;
  conversationId: string;
}

/** The customer key of a sender a chat key vouches for (the key's tenant is the agent's). */
export function senderCustomer(senderId: string): string {
  return `sender:${senderId}`;
}

/**
 * @example
 * const tokens = await ConversationTokens.forStore(store);
 * const customerKey = tokens.newCustomer();
 * const reply = await agent.handle({ text, customerKey });
 * const conversationToken = tokens.issue({ tenantId, agentId, conversationId: reply.conversationId }, customerKey);
 * // next turn: agent.handle({ text, conversationId, customerKey: tokens.verify(conversationToken, scope) })
 */
export class ConversationTokens {
  private readonly key: Buffer;
  private readonly random: (size: number) => Buffer;

  constructor(key: Buffer, options: { randomBytes?: (size: number) => Buffer } = {}) {
    if (key.length < 32) throw new StewardError('invalid-config', 'a conversation token key needs 32 bytes');
    this.key = key;
    this.random = options.randomBytes ?? randomBytes;
  }

  /** Tokens signed with the store's key for them: the same on every instance of the store. */
  static async forStore(store: Pick<StewardStore, 'deriveKey'>): Promise<ConversationTokens> {
    return new ConversationTokens(await store.deriveKey(conversationTokenPurpose));
  }

  /** A new anonymous customer (128 random bits), for the first message of a chat without a sender id. */
  newCustomer(): string {
    return `${anonymousPrefix}${this.random(nonceBytes).toString('base64url')}`;
  }

  /** The token that continues `scope` as `customerKey`, which must come from `newCustomer`. */
  issue(scope: ConversationScope, customerKey: string): string {
    const nonce = customerKey.startsWith(anonymousPrefix) ? customerKey.slice(anonymousPrefix.length) : '';
    if (!/^[A-Za-z0-9_-]{22}$/.test(nonce)) {
      // A sender's key may be a phone number: it never goes into a token.
      throw new StewardError(
        'internal',
        'conversation tokens are issued only for customers made by newCustomer()',
      );
    }
    return `${version}.${nonce}.${this.mac(scope, nonce).toString('base64url')}`;
  }

  /**
   * The customer key `token` stands for in `scope`. Throws the `not-found` of a missing conversation for
   * a token that is malformed, forged, or issued for another tenant, agent or conversation.
   */
  verify(token: string, scope: ConversationScope): string {
    const match = typeof token === 'string' ? tokenPattern.exec(token) : null;
    const expected = match ? this.mac(scope, match[1]!) : undefined;
    const given = match ? Buffer.from(match[2]!, 'base64url') : undefined;
    if (!expected || !given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw conversationNotFound(scope.conversationId);
    }
    return `${anonymousPrefix}${match![1]}`;
  }

  private mac(scope: ConversationScope, nonce: string): Buffer {
    return createHmac('sha256', this.key)
      .update(JSON.stringify([version, scope.tenantId, scope.agentId, scope.conversationId, nonce]))
      .digest();
  }
}
