/** The seam of the fallback chain: each tier may answer a message or pass it on. */
import type { TokenUsage, ToolCallRecord, ToolPermissionGuard } from '../runtime/index.js';

/** The tiers of the fallback chain, cheapest first; `optimization.fallback` orders them. */
export const tierNames = ['cache', 'pattern', 'intelligent'] as const;
export type TierName = (typeof tierNames)[number];

export interface TierContext {
  tenantId: string;
  agentId: string;
  interactionId: string;
  conversationId: string;
  channel: string;
  text: string;
  signal?: AbortSignal;
  /**
   * A fingerprint of the policy in force for this run (the trust primitive sets it from the permissions at
   * the agent's level): part of what shapes an answer, so cached answers and patterns are kept apart per policy.
   */
  policyKey?: string;
  /** Decides the tool calls of this interaction (the Trust primitive's guard at the agent's current level). */
  permissionGuard?: ToolPermissionGuard;
}

export interface TierAnswer {
  text: string;
  costUsd: number;
  usage: TokenUsage;
  toolCalls: ToolCallRecord[];
  /** error: the tier answered but failed (the chain does not go on to the next tier). */
  outcome: 'success' | 'denied' | 'error';
  errorCode?: string;
  errorMessage?: string;
  sdkSessionId?: string;
  queueWaitMs: number;
  simulatedModel: boolean;
  /** The answer continued an earlier turn of the conversation (so it depends on more than this message). */
  followUp?: boolean;
}

/**
 * One tier of the chain cache → pattern → intelligent. `answer` resolves to undefined to pass the
 * message on to the next tier.
 */
export interface AnswerTier {
  readonly name: TierName;
  answer(context: TierContext): Promise<TierAnswer | undefined>;
}
