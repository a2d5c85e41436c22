/** The seam every channel (Slack, email, SMS, web chat) implements: verify, normalize in, format out. */
import type { InboundMessage, Reply } from '../pipeline/index.js';

/** An HTTP request as a channel adapter sees it (raw body, so signatures can be checked). */
export interface ChannelRequest {
  headers: Record<string, string | undefined>;
  rawBody: Uint8Array;
  url: string;
}

export interface ChannelAdapter {
  readonly type: string;
  /** Checks the request's signature; throws StewardError `invalid-signature` when it does not hold. */
  verify(request: ChannelRequest): Promise<void>;
  /** Turns a verified request into messages (none for a retry or an event we ignore). */
  parse(request: ChannelRequest): Promise<InboundMessage[]>;
  /** Sends a reply back on the channel, shaped to its limits. */
  send(reply: Reply, to: { conversationId: string }): Promise<void>;
}
