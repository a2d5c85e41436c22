/** A customer's identity on one channel, normalized so the same person is one row however they wrote it. */
import { createHash } from 'node:crypto';
import { StewardError } from '../../errors/index.js';
import type { ChannelMessage } from '../message.js';

export const identityKinds = ['email', 'phone', 'slack'] as const;
export type IdentityKind = (typeof identityKinds)[number];

export interface Identity {
  kind: IdentityKind;
  /** Normalized: a lower-case address, an E.164 number, `team_id:user_id`. */
  value: string;
}

const emailPattern = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
const e164Pattern = /^\+[1-9][0-9]{7,14}$/;
const slackPattern = /^[TE][A-Z0-9]{2,31}:[UW][A-Z0-9]{2,31}$/;

/**
 * The normalized form of an identity, or a 400 `invalid-request` that says what was expected.
 *
 * @example
 * normalizeIdentity('email', ' Ada@Example.COM ') // { kind: 'email', value: 'ada@example.com' }
 * normalizeIdentity('phone', '+1 (415) 555-0123') // { kind: 'phone', value: '+14155550123' }
 * normalizeIdentity('slack', 't0abc:u0xyz') // { kind: 'slack', value: 'T0ABC:U0XYZ' }
 */
export function normalizeIdentity(kind: IdentityKind, raw: string): Identity {
  const identity = identityOf(kind, raw);
  if (identity) return identity;
  throw new StewardError('invalid-request', `a ${kind} identity must be ${expectedForms[kind]}`, {
    details: { field: 'value', kind },
  });
}

const expectedForms: Record<IdentityKind, string> = {
  email: 'an email address such as ada@example.com',
  phone: 'an E.164 number with its country code, such as +14155550123',
  slack: 'a Slack team id and user id joined by ":", such as T0123ABCD:U0456EFGH',
};

/** The identity in its stored form, or undefined when `raw` is not one (nothing thrown: inbound senders). */
function identityOf(kind: IdentityKind, raw: string): Identity | undefined {
  const trimmed = raw.trim();
  switch (kind) {
    case 'email': {
      const value = trimmed.toLowerCase();
      return value.length <= 320 && emailPattern.test(value) ? { kind, value } : undefined;
    }
    case 'phone': {
      // Spaces, dashes, dots and brackets are written in numbers; the country code is never guessed.
      const value = trimmed.replace(/[\s().-]/g, '');
      return e164Pattern.test(value) ? { kind, value } : undefined;
    }
    case 'slack': {
      const value = trimmed.toUpperCase();
      return slackPattern.test(value) ? { kind, value } : undefined;
    }
  }
}

/**
 * The sender of an inbound message as an identity, or undefined for a channel without contacts or a sender
 * the patterns do not take (a short code, an odd address): not linkable. Called for every message scored.
 */
export function identityOfMessage(
  message: Pick<ChannelMessage, 'channel' | 'sender' | 'reply'>,
): Identity | undefined {
  switch (message.channel) {
    case 'email':
      return identityOf('email', message.sender.id);
    case 'sms':
      return identityOf('phone', message.sender.id);
    case 'slack':
      return message.reply.teamId === undefined
        ? undefined
        : identityOf('slack', `${message.reply.teamId}:${message.sender.id}`);
    default:
      return undefined;
  }
}

/** The channel a code for an identity of `kind` goes out on. */
export function channelOfKind(kind: IdentityKind): string {
  return kind === 'phone' ? 'sms' : kind;
}

/**
 * How an identity is shown in audit records and logs: identities are personal data, so an address keeps
 * its domain, a number its last four digits, a Slack id its team.
 *
 * @example
 * maskedIdentity({ kind: 'email', value: 'ada@example.com' }) // 'email:***@example.com'
 */
export function maskedIdentity(identity: Identity): string {
  switch (identity.kind) {
    case 'email':
      return `email:***@${identity.value.split('@').at(-1)}`;
    case 'phone':
      return `phone:+***${identity.value.slice(-4)}`;
    case 'slack':
      return `slack:${identity.value.split(':')[0]}:***`;
  }
}

/**
 * The agent's conversation id of a contact: one per tenant, agent and contact, so the same customer's context
 * never crosses into another tenant or agent; printable and not guessable from outside.
 */
export function contactConversationIdOf(tenantId: string, agentId: string, contactId: string): string {
  const digest = createHash('sha256')
    .update(`contact\u0000${tenantId}\u0000${agentId}\u0000${contactId}`)
    .digest('hex')
    .slice(0, 40);
  return `contact-${digest}`;
}
