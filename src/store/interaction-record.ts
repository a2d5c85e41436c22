/**
 * The durable record of one message handled by an agent: what the interactions table stores, and what
 * primitives and event subscribers see after a turn.
 */
import type { TokenUsage, ToolCallRecord } from '../runtime/index.js';

/**
 * How an interaction ended (`refused`: no tier could answer within policy, e.g. the daily budget is
 * spent; the configured polite reply was sent and the record says why):
 * - `success`: a tier answered and the run reported no error;
 * - `denied`: the model answered, but at least one tool call was denied by the permission guard;
 * - `error`: the runtime failed, timed out, hit its budget or reported `is_error`.
 */
export type InteractionOutcome = 'success' | 'denied' | 'error' | 'refused';

export interface InteractionRecord {
  id: string;
  tenantId: string;
  agentId: string;
  conversationId: string;
  channel: string;
  tier: string;
  outcome: InteractionOutcome;
  errorCode?: string;
  errorMessage?: string;
  requestText: string;
  replyText: string;
  costUsd: number;
  usage: TokenUsage;
  latencyMs: number;
  queueWaitMs: number;
  toolCalls: ToolCallRecord[];
  /** True when a local simulated model answered, never Claude. */
  simulatedModel: boolean;
  sdkSessionId?: string;
  /** Keyed hash of the customer this interaction answered (`InboundMessage.customerKey`); absent without one. */
  customerHash?: string;
  createdAt: number;
  /** Feedback given afterwards through `agent.feedback`. */
  feedback?: { rating: 'positive' | 'negative'; note?: string; at: number };
}
