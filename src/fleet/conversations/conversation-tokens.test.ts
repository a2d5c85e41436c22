import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StewardError } from '../../errors/index.js';
import { ConversationTokens, senderCustomer } from './conversation-tokens.js';
import { customerOfFeedback, customerOfMessage } from './customer-of-request.js';

const scope = { tenantId: 'acme', agentId: 'front-desk', conversationId: 'c-1' };

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (StewardError.isInstance(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('ConversationTokens', () => {
  const tokens = new ConversationTokens(randomBytes(32));

  it('verifies a token it issued back to its anonymous customer', () => {
    const customer = tokens.newCustomer();
    expect(customer).toMatch(/^web:[A-Za-z0-9_-]{22}$/);
    expect(tokens.newCustomer()).not.toBe(customer);
    const token = tokens.issue(scope, customer);
    expect(tokens.verify(token, scope)).toBe(customer);
  });

  it('refuses, like a missing conversation, a token of another tenant, agent or conversation, a forged one and junk', () => {
    const token = tokens.issue(scope, tokens.newCustomer());
    const missing = codeOf(() => tokens.verify('x', { ...scope, conversationId: 'nothing' }));
    expect(missing).toBe('not-found');
    for (const other of [
      { ...scope, tenantId: 'globex' },
      { ...scope, agentId: 'other' },
      { ...scope, conversationId: 'c-2' },
    ]) {
      expect(codeOf(() => tokens.verify(token, other))).toBe('not-found');
    }
    const [prefix, nonce, mac] = token.split('.');
    const otherNonce = tokens.newCustomer().slice('web:'.length);
    const flipped = `${mac!.slice(0, -2)}${mac!.at(-2) === 'A' ? 'B' : 'A'}${mac!.at(-1)}`;
    for (const forged of [
      `${prefix}.${otherNonce}.${mac}`,
      `${prefix}.${nonce}.${flipped}`,
      `${prefix}.${nonce}`,
      '',
      `${token}x`,
    ]) {
      expect(codeOf(() => tokens.verify(forged, scope))).toBe('not-found');
    }
    // Another key (another deployment) does not accept it.
    expect(codeOf(() => new ConversationTokens(randomBytes(32)).verify(token, scope))).toBe('not-found');
  });

  it("never puts a sender's id into a token", () => {
    expect(codeOf(() => tokens.issue(scope, senderCustomer('+44 20 7946 0958')))).toBe('internal');
  });
});

describe('customerOfMessage and customerOfFeedback', () => {
  const tokens = new ConversationTokens(randomBytes(32));
  const base = { tenantId: 'acme', agentId: 'front-desk' };

  it("makes a chat key's first message without a sender an anonymous customer that gets a token", () => {
    const first = customerOfMessage(tokens, { ...base, role: 'chat' });
    expect(first).toMatchObject({ kind: 'customer', issueToken: true });
  });

  it('continues with the token, or as the sender; a chat key with neither cannot continue', () => {
    const customerKey = tokens.newCustomer();
    const token = tokens.issue(scope, customerKey);
    expect(
      customerOfMessage(tokens, { ...base, role: 'chat', conversationId: 'c-1', conversationToken: token }),
    ).toEqual({ kind: 'customer', customerKey, issueToken: false });
    expect(
      customerOfMessage(tokens, { ...base, role: 'chat', conversationId: 'c-1', senderId: 'alice' }),
    ).toEqual({
      kind: 'customer',
      customerKey: 'sender:alice',
      issueToken: false,
    });
    expect(codeOf(() => customerOfMessage(tokens, { ...base, role: 'chat', conversationId: 'c-1' }))).toBe(
      'invalid-request',
    );
    expect(codeOf(() => customerOfMessage(tokens, { ...base, role: 'chat', conversationToken: token }))).toBe(
      'invalid-request',
    );
    expect(
      codeOf(() =>
        customerOfMessage(tokens, { ...base, role: 'chat', conversationId: 'c-2', conversationToken: token }),
      ),
    ).toBe('not-found');
  });

  it('lets operators and admins act without a customer, or as the sender they name', () => {
    expect(customerOfMessage(tokens, { ...base, role: 'operator', conversationId: 'c-1' })).toEqual({
      kind: 'operator',
    });
    expect(customerOfMessage(tokens, { ...base, role: 'admin', senderId: 'bob' })).toMatchObject({
      customerKey: 'sender:bob',
    });
  });

  it("names a chat key's feedback by sender or token, an operator's as the operator's", () => {
    const customerKey = tokens.newCustomer();
    const token = tokens.issue(scope, customerKey);
    expect(customerOfFeedback(tokens, { role: 'chat', conversationToken: token }, scope)).toBe(customerKey);
    expect(customerOfFeedback(tokens, { role: 'chat', senderId: 'alice' }, scope)).toBe('sender:alice');
    expect(customerOfFeedback(tokens, { role: 'operator', senderId: 'alice' }, scope)).toBeUndefined();
    expect(codeOf(() => customerOfFeedback(tokens, { role: 'chat' }, scope))).toBe('invalid-request');
    expect(
      codeOf(() =>
        customerOfFeedback(
          tokens,
          { role: 'chat', conversationToken: token },
          { ...scope, conversationId: 'c-9' },
        ),
      ),
    ).toBe('not-found');
  });
});
