/** How an agent's channel messages are handled (urgency scoring, who is told of an urgent one), resolved once from its config and the environment. */
import { parseDuration } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import type { ChannelConfig, MessageHandlingConfig } from './config.js';
import { type Urgency, urgencyPriority } from './message.js';

/** Who is told, and through which channel, when a message of at least `minLevel` arrives. */
export interface UrgencyNotice {
  minLevel: 'high' | 'critical';
  channel: 'email' | 'slack' | 'sms';
  /** An email address, a phone number (E.164) or a Slack channel id. */
  to: string;
}

/** What the channels core does with one agent's messages. */
export interface ChannelHandling {
  /** Score each inbound message at enqueue (its level orders the queue). */
  detectUrgency: boolean;
  notify?: UrgencyNotice;
  /** With `maintainContext`: a conversation idle this long (ms) starts a new SDK session. */
  contextTtlMs?: number;
}

/** How long a channel conversation keeps its context without a message, unless `messageHandling.contextTtl` says otherwise. */
export const DEFAULT_CONTEXT_TTL = '7d';

/**
 * Resolves an agent's `messageHandling` for the channels core. `urgencyNotify.to` falls back to
 * `STEWARD_URGENCY_NOTIFY_TO`, and is not needed when `channels` (the agent's entries) sends Slack through an
 * incoming webhook only; throws StewardError `invalid-config` naming every way to supply what is missing.
 *
 * @example
 * const handling = resolveChannelHandling({ detectUrgency: true, urgencyNotify: { channel: 'sms' } }, process.env);
 */
export function resolveChannelHandling(
  config: MessageHandlingConfig | undefined,
  env: NodeJS.ProcessEnv,
  owner = 'this agent',
  channels: readonly ChannelConfig[] = [],
): ChannelHandling {
  const detectUrgency = config?.detectUrgency ?? false;
  const context = config?.maintainContext
    ? { contextTtlMs: parseDuration(config.contextTtl ?? DEFAULT_CONTEXT_TTL) ?? 0 }
    : {};
  const notify = config?.urgencyNotify;
  if (!notify) return { detectUrgency, ...context };
  if (!detectUrgency) {
    throw new StewardError(
      'invalid-config',
      `messageHandling.urgencyNotify of ${owner} needs messageHandling.detectUrgency: true (no message is scored without it)`,
    );
  }
  // A Slack incoming webhook posts to its own channel: it needs no recipient (`to` would be ignored).
  const to =
    notify.to ??
    env.STEWARD_URGENCY_NOTIFY_TO ??
    (postsToOwnChannel(notify.channel, channels, env) ? '' : undefined);
  if (to === undefined || (to === '' && !postsToOwnChannel(notify.channel, channels, env))) {
    throw new StewardError(
      'invalid-config',
      `messageHandling.urgencyNotify of ${owner} has no recipient: set \`to\` (an email address, a phone number or a Slack channel id, for its ${notify.channel} channel) or STEWARD_URGENCY_NOTIFY_TO`,
    );
  }
  return {
    detectUrgency,
    notify: { minLevel: notify.minLevel ?? 'high', channel: notify.channel, to },
    ...context,
  };
}

/** True when the agent's `channel` entry sends through a Slack incoming webhook only (no bot token to address anyone). */
function postsToOwnChannel(
  channel: string,
  channels: readonly ChannelConfig[],
  env: NodeJS.ProcessEnv,
): boolean {
  if (channel !== 'slack') return false;
  const entry = channels.find((candidate) => candidate.type === 'slack');
  if (entry?.type !== 'slack') return false;
  return (
    (entry.webhook ?? env.SLACK_WEBHOOK) !== undefined &&
    (entry.botToken ?? env.SLACK_BOT_TOKEN) === undefined
  );
}

/** True when `level` is `minimum` or more urgent. */
export function isAtLeast(level: Urgency, minimum: Urgency): boolean {
  return urgencyPriority[level] >= urgencyPriority[minimum];
}

/** The text of the notice a person gets: the level, the reasons and where it came from, not the customer's words. */
export function noticeTextOf(input: {
  level: Urgency;
  reasons: readonly string[];
  channel: string;
  tenantId: string;
  agentId: string;
  senderId: string;
}): string {
  const reasons = input.reasons.length > 0 ? ` (${input.reasons.join('; ')})` : '';
  return `${input.level.toUpperCase()} message on ${input.channel} for ${input.tenantId}/${input.agentId} from ${input.senderId}${reasons}. The agent is answering it now; see the audit log for the conversation.`;
}
