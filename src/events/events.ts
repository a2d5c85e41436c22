/** The events of the pipeline, named noun-verb. Primitives add theirs by augmenting StewardEventMap. */
import type { InteractionRecord } from '../agent/interaction.js';
import type { PermissionSource } from '../runtime/types.js';

/** Who, where and which interaction an event belongs to. */
export interface EventScope {
  tenantId: string;
  agentId: string;
  interactionId: string;
  conversationId: string;
  channel: string;
  at: number;
}

export interface StewardEventMap {
  'message-received': EventScope & { text: string; senderId?: string };
  'tool-call-requested': EventScope & { toolUseId: string; toolName: string; input: Record<string, unknown> };
  'tool-call-allowed': EventScope & { toolUseId: string; toolName: string; source: PermissionSource };
  'tool-call-denied': EventScope & {
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
}
