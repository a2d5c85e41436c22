/** What the pipeline takes in and gives back. Channel adapters produce InboundMessage and consume Reply. */
import type { TokenUsage, ToolCallRecord } from '../runtime/index.js';
import type { InteractionOutcome } from '../store/index.js';

export interface InboundMessage {
  /** The user's text. */
  text: string;
  /** Continues a conversation when set; a new conversation id is made otherwise. */
  conversationId?: string;
  /** Where it came from: `web`, `api`, `slack`, `email`, `sms` …; default `api`. */
  channel?: string;
  senderId?: string;
  /**
   * Who the customer is, as the channel or route verified it (never a request body's word): an opaque
   * key such as `sender:<id>` from a chat key's sender, or the anonymous customer of a signed
   * conversation token (fleet/conversations). A new conversation belongs to it; a conversation that
   * belongs to another customer, or to none, answers `not-found` as if it did not exist. Stored only as
   * a keyed hash. Without it, `handle` continues only conversations that belong to no customer.
   */
  customerKey?: string;
}

export interface Reply {
  interactionId: string;
  conversationId: string;
  text: string;
  /** The tier that answered (`cache`, `pattern`, `intelligent`). */
  tier: string;
  outcome: InteractionOutcome;
  errorCode?: string;
  costUsd: number;
  usage: TokenUsage;
  latencyMs: number;
  toolCalls: ToolCallRecord[];
  /** True when a local simulated model answered, never Claude. */
  simulatedModel: boolean;
}
