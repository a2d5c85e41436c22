/**
 * Linking by one-time code through the channels: an operator asks for a code to be sent to an identity from
 * the agent's own destination on its channel (through the outbox, once), and the customer sending it back
 * from that identity links it; or the customer writes "link my email jo@example.com" on one channel, the code
 * goes to that address, and sending it back on the channel where they asked links both. Such messages are
 * answered here, never by the agent.
 */
import { StewardError } from '../errors/index.js';
import type { ChannelAdapter } from './adapter.js';
import {
  type Contacts,
  channelOfKind,
  codeOfMessage,
  type Identity,
  identityOfMessage,
  type LinkCodeRequest,
  type LinkCodes,
  maskedIdentity,
  normalizeIdentity,
} from './contacts/index.js';
import type { ChannelMessage } from './message.js';
import type { ChannelBindings } from './store/bindings.js';
import type { StoreOutbox } from './store/outbox.js';

export interface ContactLinkOptions {
  contacts: Contacts;
  codes: LinkCodes;
  adapters: ReadonlyMap<string, ChannelAdapter>;
  bindings: ChannelBindings;
  outbox: StoreOutbox;
  now: () => number;
}

export interface StartedLink {
  codeId: string;
  expiresAt: number;
  /** Where the code went, masked. */
  sentTo: string;
}

/**
 * @example
 * await link.start({ tenantId: 'acme', agentId: 'desk', contactId, target: { kind: 'phone', value: '+14155550123' }, actor });
 * await link.replyTo(message); // the answer to a code sent back, else undefined (the agent answers)
 */
export class ContactLink {
  constructor(private readonly options: ContactLinkOptions) {}

  /**
   * Sends a code to `target` that links it to the contact once `target` sends it back. 404 for a contact not in
   * the tenant; 409 when another contact of the tenant has `target`; 400 when the agent has no destination on
   * the target's channel to send it from.
   */
  async start(input: {
    tenantId: string;
    agentId: string;
    contactId: string;
    target: Identity;
    actor: string;
  }): Promise<StartedLink> {
    const { contacts } = this.options;
    await contacts.require(input.tenantId, input.contactId);
    const holder = await contacts.contactOf(input.tenantId, input.target);
    if (holder !== undefined && holder !== input.contactId) {
      throw new StewardError(
        'conflict',
        `this ${input.target.kind} identity is linked to another contact of the tenant: unlink it there first`,
        { details: { kind: input.target.kind } },
      );
    }
    const destination = await this.destinationFor(input.tenantId, input.agentId, input.target);
    if (!destination) {
      const channel = channelOfKind(input.target.kind);
      throw new StewardError(
        'invalid-request',
        `${input.tenantId}/${input.agentId} has no ${channel} destination to send the code from`,
        { details: { field: 'kind', channel } },
      );
    }
    return this.send(destination, { ...input, confirm: input.target }, 'here');
  }

  /** Issues a code and sends it to the target (spent again when the send fails). */
  private async send(
    destination: Destination,
    input: LinkCodeRequest,
    sendBack: string,
  ): Promise<StartedLink> {
    const issued = await this.options.codes.issue(input);
    const minutes = Math.max(1, Math.round((issued.expiresAt - this.options.now()) / 60_000));
    try {
      await destination.adapter.notify?.(
        {
          to: recipientOf(input.target),
          text: `Your code to link this ${input.target.kind} to your account is ${issued.code}. Send it back ${sendBack} within ${minutes} minutes. If you did not ask for it, ignore this message.`,
        },
        {
          binding: destination.binding,
          outbox: this.options.outbox.forMessage(
            `contact-code:${issued.id}`,
            input.tenantId,
            destination.channel,
          ),
          deliveryId: `contact-code:${issued.id}`,
        },
      );
    } catch (error) {
      await this.options.codes.spend(input.tenantId, issued.id);
      throw error;
    }
    return { codeId: issued.id, expiresAt: issued.expiresAt, sentTo: maskedIdentity(input.target) };
  }

  /** The answer to a message that is a code its sender has pending; undefined for any other message. */
  async replyTo(message: ChannelMessage): Promise<string | undefined> {
    const sender = identityOfMessage(message);
    if (!sender) return undefined;
    const code = codeOfMessage(message.text);
    if (code === undefined) return this.answerRequest(message, sender);
    const outcome = await this.options.codes.confirm({
      tenantId: message.tenantId,
      agentId: message.agentId,
      confirm: sender,
      code,
    });
    switch (outcome.status) {
      case 'none':
        return undefined;
      case 'linked':
        return `Thank you: your ${outcome.target.kind} is now linked. We will pick up our conversation wherever you write to us.`;
      case 'wrong':
        return `That code is not right. Check it and send it again (${outcome.attemptsLeft} tries left).`;
      default:
        return 'That code can no longer be used. Ask us for a new one.';
    }
  }

  /**
   * "link my email jo@example.com" / "link my phone +1 415 555 0123": a code goes to that identity from the
   * agent's destination on its channel, to be sent back by the sender where they asked (proving one person
   * holds both); the sender's contact is created when they have none. Undefined for any other message (the
   * agent answers it). Refused, politely and audited, when another contact of the tenant holds the identity
   * (without saying which), when the agent cannot send on that channel, past the sender's request limit, or past the target's (codes sent to
   * one identity by anyone).
   */
  private async answerRequest(message: ChannelMessage, sender: Identity): Promise<string | undefined> {
    const target = requestedIdentity(message.text);
    if (!target || (target.kind === sender.kind && target.value === sender.value)) return undefined;
    const { contacts, codes } = this.options;
    const { tenantId, agentId } = message;
    const actor = `customer:${maskedIdentity(sender)}`;
    const refuse = async (reason: string) => {
      await contacts.record(
        tenantId,
        'contact.link-request.refused',
        actor,
        agentId,
        { confirm: maskedIdentity(sender), target: maskedIdentity(target), reason },
        message.channel,
      );
      return `We cannot link that ${target.kind} from here. Please contact us directly.`;
    };
    const own = await contacts.contactOf(tenantId, sender);
    const holder = await contacts.contactOf(tenantId, target);
    if (holder !== undefined) {
      if (holder === own) return `That ${target.kind} is already linked to your account.`;
      return refuse('held-by-another-contact');
    }
    const destination = await this.destinationFor(tenantId, agentId, target);
    if (!destination) return refuse('no-destination');
    if ((await codes.issuedTo(tenantId, sender)) >= requestsPerWindow) return refuse('too-many-requests');
    if ((await codes.issuedFor(tenantId, target)) >= codesPerTargetWindow) return refuse('target-limit');
    const contactId =
      own ??
      (await contacts.create(tenantId, { identities: [sender] }, actor, { agentId, linkedBy: 'code' })).id;
    const started = await this.send(
      destination,
      { tenantId, agentId, contactId, target, confirm: sender, actor },
      `by ${message.channel}, where you asked,`,
    );
    const minutes = Math.max(1, Math.round((started.expiresAt - this.options.now()) / 60_000));
    return `We sent a code to ${started.sentTo.slice(target.kind.length + 1)}. Send it back here within ${minutes} minutes to link it.`;
  }

  /** The agent's destination on the target's channel (for Slack, the target's own workspace). */
  private async destinationFor(
    tenantId: string,
    agentId: string,
    target: Identity,
  ): Promise<Destination | undefined> {
    const channel = channelOfKind(target.kind);
    const adapter = this.options.adapters.get(channel);
    if (!adapter?.notify) return undefined;
    const wanted = target.kind === 'slack' ? `team:${target.value.split(':')[0]}` : undefined;
    const summary = (await this.options.bindings.list(tenantId)).find(
      (bound) =>
        bound.channel === channel &&
        bound.agentId === agentId &&
        (wanted === undefined || bound.routeKey === wanted),
    );
    const binding = summary && (await this.options.bindings.resolve(summary.channel, summary.routeKey));
    return binding ? { adapter, binding, channel } : undefined;
  }
}

type Destination = {
  adapter: ChannelAdapter;
  binding: NonNullable<Awaited<ReturnType<ChannelBindings['resolve']>>>;
  channel: string;
};

/** Codes a sender may ask for within one code lifetime (each new one also spends the pending one). */
const requestsPerWindow = 3;

/**
 * Codes customers may have sent to one identity within one code lifetime, however many senders ask: without it,
 * many numbers (or forged email senders) could each make the agent text or mail one victim.
 */
const codesPerTargetWindow = 3;

/** A clear request and nothing else: "link my email|e-mail|phone|number <value>", the value a valid identity. */
const linkRequest = /^\s*link\s+my\s+(email|e-mail|phone|number)\s*:?\s+([^\n]{3,80}?)\s*\.?\s*$/i;

/** The identity a link request names, or undefined (not a request, or not a valid address or number). */
export function requestedIdentity(text: string): Identity | undefined {
  const match = linkRequest.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  const kind = match[1].toLowerCase().startsWith('e') ? 'email' : 'phone';
  try {
    return normalizeIdentity(kind, match[2]);
  } catch {
    return undefined;
  }
}

/** Who the code is addressed to on its channel: the address, the number, the Slack user (a direct message). */
function recipientOf(identity: Identity): string {
  return identity.kind === 'slack' ? (identity.value.split(':')[1] ?? identity.value) : identity.value;
}
