/** The events of the pipeline, named noun-verb. Primitives add theirs by augmenting StewardEventMap. */

import type { PermissionDecisionDetails, PermissionSource } from '../runtime/index.js';
import type { InteractionRecord } from '../store/index.js';

/** Who, where and which interaction an event belongs to. */
export interface EventScope {
  tenantId: string;
  agentId: string;
  interactionId: string;
  conversationId: string;
  channel: string;
  at: number;
}

/** Scope of events that belong to an agent rather than to one interaction (trust changes, operator actions). */
export interface AgentScope {
  tenantId: string;
  agentId: string;
  at: number;
}

export interface StewardEventMap {
  'message-received': EventScope & { text: string; senderId?: string };
  'tool-call-requested': EventScope & { toolUseId: string; toolName: string; input: Record<string, unknown> };
  'tool-call-allowed': EventScope &
    PermissionDecisionDetails & { toolUseId: string; toolName: string; source: PermissionSource };
  'tool-call-denied': EventScope &
    PermissionDecisionDetails & {
      toolUseId: string;
      toolName: string;
      source: PermissionSource;
      message: string;
    };
  'tool-call-completed': EventScope & { toolUseId: string; toolName: string; output: unknown };
  'tool-call-failed': EventScope & { toolUseId: string; toolName: string; error: string };
  'tier-answered': EventScope & { tier: string; costUsd: number };
  'interaction-completed': { interaction: InteractionRecord };
  'reply-sent': EventScope & { text: string; tier: string };
  'trust-level-changed': AgentScope & {
    from: number;
    to: number;
    /** rule | decay | set | freeze | unfreeze | reset */
    kind: string;
    reason: string;
    actor?: string;
    /** The permission band at `from` and at `to` (the highest threshold <= the level, `'none'` below all). */
    fromBand: string;
    toBand: string;
    /** True when `to` allows tool calls `from` did not: the only trust change that widens permissions. */
    permissionsRaised: boolean;
    /** The patterns that allow those calls (empty unless `permissionsRaised`). */
    permissionsAdded: string[];
  };
  'trust-approval-requested': AgentScope & {
    approvalId: string;
    interactionId: string;
    toolName: string;
    level: number;
    requiredLevel?: number;
    expiresAt: number;
  };
  'trust-approval-decided': AgentScope & {
    approvalId: string;
    interactionId: string;
    toolName: string;
    status: 'approved' | 'denied' | 'expired';
    actor?: string;
  };
  /**
   * A message named a conversation its caller may not continue (another customer's, one with an owner
   * while the caller has none, or none at all); it was answered not-found before any tier ran.
   */
  'conversation-access-refused': AgentScope & {
    conversationId: string;
    channel: string;
    /** `customer:<hash prefix>` of the caller; absent for a caller without a customer. */
    actor?: string;
    reason: 'no-such-conversation' | 'another-customer';
  };
  'interaction-feedback-given': AgentScope & {
    interactionId: string;
    rating: 'positive' | 'negative';
    note?: string;
    /** Who rated: the operator, or `customer:<hash prefix>`; absent when the application itself did. */
    actor?: string;
  };
  /** An operator changed something outside the config: invalidated the cache, retired or forgot patterns. */
  'operator-action': AgentScope & { action: string; actor?: string; details: Record<string, unknown> };
  /** A pattern of the pattern tier became active (its answer was seen `minFrequency` times); once per pattern. */
  'pattern-activated': AgentScope & { patternId: string; support: number };
  /** Learn found a cluster of repeated requests worth a handler (a new capability, state `detected`). */
  'capability-detected': AgentScope & { capabilityId: string; size: number; confidence: number };
  /** The model wrote a capability's handler; `costUsd` is what writing it cost. */
  'capability-generated': AgentScope & { capabilityId: string; costUsd: number; simulatedModel: boolean };
  /** A handler was run on recorded traffic in the sandbox; a failing one is kept, never deployed. */
  'capability-validated': AgentScope & {
    capabilityId: string;
    passed: boolean;
    coverage: number;
    abstention: number;
    state: string;
  };
  /** An operator approved or rejected a pending capability. */
  'capability-decided': AgentScope & {
    capabilityId: string;
    decision: 'approved' | 'rejected';
    actor: string;
    state: string;
    reason?: string;
  };
  /** A capability answers every matching request: its canary's error rate is below the success criterion. */
  'capability-promoted': AgentScope & {
    capabilityId: string;
    trials: number;
    errors: number;
    upperBound: number;
  };
  /** A capability stopped answering: automatically (its error rate is above the criterion) or by an operator. */
  'capability-rolled-back': AgentScope & {
    capabilityId: string;
    automatic: boolean;
    actor?: string;
    reason: string;
    trials: number;
    errors: number;
  };
  /**
   * A rolled-back capability's cluster got a new handler (a new capability of generation `generation`,
   * state `detected`): enough new members were observed since the rollback; `counterExamples` is how
   * many requests the rolled-back handler failed on were shown to the model.
   */
  'capability-regenerated': AgentScope & {
    capabilityId: string;
    previousCapabilityId: string;
    generation: number;
    newObservations: number;
    counterExamples: number;
  };
  /** Settled spend reached `alertThreshold × daily`; once per tenant, agent, day and threshold. */
  'budget-threshold-crossed': AgentScope & {
    /** The budget day, YYYY-MM-DD in `timeZone`. */
    day: string;
    timeZone: string;
    threshold: number;
    dailyUsd: number;
    spentUsd: number;
  };
  /** The first reservation of the day the budget refused; once per tenant, agent and day. */
  'budget-exhausted': AgentScope & {
    day: string;
    timeZone: string;
    interactionId: string;
    dailyUsd: number;
    spentUsd: number;
    reservedUsd: number;
    requestedUsd: number;
  };
}
