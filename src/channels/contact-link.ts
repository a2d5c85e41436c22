/**
 * Linking by one-time code through the channels: an operator asks for a code to be sent to an identity from
 * the agent's own destination on its channel (through the outbox, once), and the customer sending it back
 * from that identity links it; such a message is answered here, never by the agent.
 */
import { StewardError } from '../errors/index.js';
import type { ChannelAdapter } from './adapter.js';
import {
  type Contacts,
  channelOfKind,
  codeOfMessage,
  type Identity,
  identityOfMessage,
  type LinkCodes,
  maskedIdentity,
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
    const { contacts, codes } = this.options;
    await contacts.require(input.tenantId, input.contactId);
    const holder = await contacts.contactOf(input.tenantId, input.target);
    if (holder !== undefined && holder !== input.contactId) {
      throw new StewardError(
        'conflict',
        `this ${input.target.kind} identity is linked to another contact of the tenant: unlink it there first`,
        { details: { kind: input.target.kind } },
      );
    }
    const channel = channelOfKind(input.target.kind);
    const adapter = this.options.adapters.get(channel);
    const binding = await this.bindingFor(input.tenantId, input.agentId, input.target);
    if (!adapter?.notify || !binding) {
      throw new StewardError(
        'invalid-request',
        `${input.tenantId}/${input.agentId} has no ${channel} destination to send the code from`,
        { details: { field: 'kind', channel } },
      );
    }
    const issued = await codes.issue({ ...input, confirm: input.target });
    const minutes = Math.max(1, Math.round((issued.expiresAt - this.options.now()) / 60_000));
    try {
      await adapter.notify(
        {
          to: recipientOf(input.target),
          text: `Your code to link this ${input.target.kind} to your account is ${issued.code}. Send it back here within ${minutes} minutes. If you did not ask for it, ignore this message.`,
        },
        {
          binding,
          outbox: this.options.outbox.forMessage(`contact-code:${issued.id}`, input.tenantId, channel),
          deliveryId: `contact-code:${issued.id}`,
        },
      );
    } catch (error) {
      await codes.spend(input.tenantId, issued.id);
      throw error;
    }
    return { codeId: issued.id, expiresAt: issued.expiresAt, sentTo: maskedIdentity(input.target) };
  }

  /** The answer to a message that is a code its sender has pending; undefined for any other message. */
  async replyTo(message: ChannelMessage): Promise<string | undefined> {
    const sender = identityOfMessage(message);
    const code = codeOfMessage(message.text);
    if (!sender || code === undefined) return undefined;
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

  /** The agent's destination on the target's channel (for Slack, the target's own workspace). */
  private async bindingFor(tenantId: string, agentId: string, target: Identity) {
    const channel = channelOfKind(target.kind);
    const wanted = target.kind === 'slack' ? `team:${target.value.split(':')[0]}` : undefined;
    const summary = (await this.options.bindings.list(tenantId)).find(
      (bound) =>
        bound.channel === channel &&
        bound.agentId === agentId &&
        (wanted === undefined || bound.routeKey === wanted),
    );
    return summary && (await this.options.bindings.resolve(summary.channel, summary.routeKey));
  }
}

/** Who the code is addressed to on its channel: the address, the number, the Slack user (a direct message). */
function recipientOf(identity: Identity): string {
  return identity.kind === 'slack' ? (identity.value.split(':')[1] ?? identity.value) : identity.value;
}
