/**
 * The seam every channel (Slack, email, SMS) implements, so the core (routing, the durable queue, exactly-once
 * replies, audit) is written once. An adapter is two halves:
 * - `receive`: verify a provider's webhook and turn it into message drafts (routed and queued by the core);
 * - `openDelivery`: answer one queued message, optionally showing progress first, sending each part through
 *   `context.outbox.once` so a retried job never sends a part twice.
 * An adapter throws StewardError `invalid-signature` (401), `payload-too-large` (413) or `invalid-request`
 * (400) for bad input; the core maps them to responses. Vendor SDKs stay inside the adapter's folder.
 *
 * @example
 * const core = new ChannelCore({ store, adapters: [createSlackChannel(config)], useAgent: host.use.bind(host) });
 */
import type { ChannelMessage } from './message.js';

/** An HTTP request as a channel adapter sees it (raw body, so signatures can be checked). */
export interface ChannelRequest {
  headers: Record<string, string | undefined>;
  rawBody: Uint8Array;
  url: string;
}

/** What to answer the provider, when not an empty 200. */
export interface ChannelResponse {
  status: number;
  body: string;
  contentType: string;
}

/** The bytes of a file the customer sent (an email attachment), kept within the channel's size limits. */
export interface InboundFile {
  name: string;
  contentType: string;
  content: Uint8Array;
}

/**
 * A message before routing: `routeKey` names the destination the core looks up in `channel_bindings`.
 * `files` are written into the routed agent's workspace by the core and become `attachments` (paths).
 */
export type InboundDraft = Omit<ChannelMessage, 'tenantId' | 'agentId'> & { files?: InboundFile[] };

export interface ChannelReceipt {
  response?: ChannelResponse;
  /** Messages to route and queue (none for a challenge, a retry, a bot's message or an ignored event). */
  messages: InboundDraft[];
}

/** A destination bound to a tenant's agent, with its secrets decrypted (never logged, never returned by the API). */
export interface ChannelBinding {
  channel: string;
  routeKey: string;
  tenantId: string;
  agentId: string;
  secret: Record<string, string> | undefined;
  details: Record<string, string>;
  /** When the destination was last bound (epoch ms, the binding instance's clock); set when read from the store. */
  updatedAt?: number;
}

/** Sends a part once: recorded `pending` before the provider call and `sent` after it. */
export interface Outbox {
  /**
   * Sends under `key` unless it was sent already. When an earlier attempt recorded `pending` but not `sent`
   * (killed between the provider's accept and our record), `findSent` asks the provider whether it has it.
   * Returns the provider's id of the message.
   */
  once(key: string, send: SendOnce): Promise<string>;
}

export interface SendOnce {
  send(): Promise<string>;
  /** The provider's id of a message already sent under this key, or undefined. */
  findSent(): Promise<string | undefined>;
}

export interface DeliveryContext {
  binding: ChannelBinding;
  outbox: Outbox;
  /** Unique per inbound message; prefix of every idempotency key of its reply. */
  deliveryId: string;
}

/** The outbound side of one message. */
export interface Delivery {
  /** A step of the run (a tool started); the adapter shows it when the channel can, throttled. */
  progress?(status: string): void;
  /** Sends the reply, shaped to the channel's limits; each part once. */
  finish(text: string): Promise<void>;
}

export interface ChannelAdapter {
  /** slack | email | sms … */
  readonly channel: string;
  /** Verifies and parses a webhook request. */
  receive(request: ChannelRequest): Promise<ChannelReceipt>;
  /** Prepares the answer to one message (a Slack placeholder is posted here, once). */
  openDelivery(message: ChannelMessage, context: DeliveryContext): Promise<Delivery>;
  /**
   * Sends a new message (not a reply) to a person, from the binding's destination, once under
   * `${context.deliveryId}:…` keys: the urgent-message notice of `messageHandling.urgencyNotify`.
   */
  notify?(notice: { to: string; text: string }, context: DeliveryContext): Promise<void>;
}
