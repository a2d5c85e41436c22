/** The one message every channel turns its input into, and what the core keeps about where it goes back. */

export type Urgency = 'low' | 'normal' | 'high' | 'critical';

/** A file the customer sent: a reference the agent can follow, never the bytes inline. */
export interface ChannelAttachment {
  name: string;
  /** Where the bytes are (a provider URL or a stored reference). */
  url: string;
  contentType?: string;
  sizeBytes?: number;
}

/**
 * A customer's message from any channel, normalized.
 *
 * @example
 * const message: ChannelMessage = {
 *   tenantId: 'acme', agentId: 'front-desk', channel: 'slack',
 *   sender: { id: 'U123', provider: 'slack' }, conversationKey: 'slack:T1:C1:1700000000.000100',
 *   text: 'When do you open?', attachments: [], urgency: 'normal', receivedAt: 1700000000000,
 *   providerId: 'Ev123', routeKey: 'team:T1', reply: { channel: 'C1', threadTs: '1700000000.000100' },
 * };
 */
export interface ChannelMessage {
  tenantId: string;
  agentId: string;
  /** slack | email | sms … (the adapter's `channel`). */
  channel: string;
  /** Who wrote it, as the provider names them (a Slack user id, an email address, a phone number). */
  sender: { id: string; provider: string; displayName?: string };
  /** The thread this message belongs to (Slack thread, email thread, number pair): one conversation. */
  conversationKey: string;
  text: string;
  attachments: ChannelAttachment[];
  urgency: Urgency;
  /** Why the scorer chose `urgency` (with `messageHandling.detectUrgency`), for the event and the notice. */
  urgencyReasons?: string[];
  /**
   * Set while `urgency` is the words' level alone: the sender's context is scored after the message is
   * committed (off the acknowledgement), and by the worker that claims it if that has not happened yet.
   */
  urgencyContextPending?: true;
  /** Epoch ms when we received it. */
  receivedAt: number;
  /** The provider's id of the event (Slack `event_id`): retries of the same event are dropped. */
  providerId: string;
  /** The destination it was routed by (`channel_bindings.route_key`): the reply goes out with its binding. */
  routeKey: string;
  /** What the adapter needs to answer (channel-specific, JSON-safe; a Slack channel and thread, an email's headers). */
  reply: Record<string, string>;
  /**
   * Set when a worker found the message routed by a stale binding (a rebind on another instance, seen after
   * the route cache's few seconds) and moved it to the destination's owner: the agent it was first queued for.
   * A message is moved once at most.
   */
  reroutedFrom?: { tenantId: string; agentId: string; at: number };
}

/** Queue order: urgent messages are claimed first. */
export const urgencyPriority: Record<Urgency, number> = { low: 0, normal: 1, high: 2, critical: 3 };

/** What every channel event names: the message's tenant, agent, channel, conversation and queue ids. */
export interface ChannelEventScope {
  tenantId: string;
  agentId: string;
  channel: string;
  conversationId: string;
  /** The queued message's id. */
  inboundId: string;
  providerId: string;
  at: number;
}
