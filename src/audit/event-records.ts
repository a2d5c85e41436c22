/**
 * What an audit record holds for each pipeline event, by level:
 * - minimal: the event, its ids and scalar facts (tier, cost, tool name, decision, levels, amounts);
 * - standard: plus message text (masked): requests, replies, denial messages, errors, notes, reasons;
 * - detailed: plus tool inputs and outputs (masked).
 * Text fields are the ones `compliance.encryption` encrypts.
 */
import type { StewardEvent } from '../events/index.js';
import type { AuditRecordInput } from './log/index.js';

export type AuditLevel = 'minimal' | 'standard' | 'detailed';

/** Payload fields that carry what people wrote: kept from `standard` up, encrypted when configured. */
export const textFields = [
  'text',
  'requestText',
  'replyText',
  'message',
  'error',
  'errorMessage',
  'note',
  'reason',
] as const;
/** Payload fields that carry tool inputs and outputs: kept at `detailed` only. */
export const toolDataFields = ['input', 'output', 'toolCalls'] as const;
/** Paths `compliance.encryption` encrypts (at every depth). */
export const sensitivePaths: readonly string[] = [
  ...textFields.map((field) => `**.${field}`),
  '**.input',
  '**.output',
];

const scopeFields = new Set(['tenantId', 'agentId', 'interactionId', 'conversationId', 'channel', 'at']);
const textFieldSet = new Set<string>(textFields);
const toolFieldSet = new Set<string>(['input', 'output']);

/**
 * The audit record for one bus event, before masking and encryption.
 *
 * @example
 * auditRecordFor({ name: 'reply-sent', payload: { tenantId: 'acme', …, text: 'Hi', tier: 'cache' } }, 'minimal')
 * // { eventType: 'reply-sent', payload: { tier: 'cache' }, … }
 */
export function auditRecordFor(event: StewardEvent, level: AuditLevel): AuditRecordInput {
  if (event.name === 'interaction-completed') {
    const record = event.payload.interaction;
    const payload: Record<string, unknown> = {
      tier: record.tier,
      outcome: record.outcome,
      costUsd: record.costUsd,
      latencyMs: record.latencyMs,
      queueWaitMs: record.queueWaitMs,
      simulatedModel: record.simulatedModel,
      usage: record.usage,
      toolCalls: record.toolCalls.map((call) => ({
        toolUseId: call.toolUseId,
        toolName: call.toolName,
        status: call.status,
        ...(level === 'detailed' ? { input: call.input } : {}),
        ...(level !== 'minimal' && call.message ? { message: call.message } : {}),
      })),
    };
    if (record.errorCode) payload.errorCode = record.errorCode;
    if (level !== 'minimal') {
      payload.requestText = record.requestText;
      payload.replyText = record.replyText;
      if (record.errorMessage) payload.errorMessage = record.errorMessage;
    }
    return {
      tenantId: record.tenantId,
      agentId: record.agentId,
      eventType: event.name,
      at: record.createdAt,
      conversationId: record.conversationId,
      interactionId: record.id,
      channel: record.channel,
      level,
      payload,
    };
  }
  const source = event.payload as unknown as Record<string, unknown> & {
    tenantId: string;
    agentId: string;
    at: number;
  };
  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (scopeFields.has(key) || value === undefined || !isPlainData(value)) continue;
    if (textFieldSet.has(key) && level === 'minimal') continue;
    if (toolFieldSet.has(key) && level !== 'detailed') continue;
    payload[key] = value;
  }
  const input: AuditRecordInput = {
    tenantId: source.tenantId,
    agentId: source.agentId,
    eventType: event.name,
    at: source.at,
    level,
    payload,
  };
  if (typeof source.interactionId === 'string') input.interactionId = source.interactionId;
  if (typeof source.conversationId === 'string') input.conversationId = source.conversationId;
  if (typeof source.channel === 'string') input.channel = source.channel;
  const actor = source.actor ?? source.senderId;
  if (typeof actor === 'string') input.actor = actor;
  return input;
}

/** JSON-like data: what an event's payload should hold (never a live object such as a guard or a signal). */
function isPlainData(value: unknown): boolean {
  if (typeof value === 'function' || typeof value === 'symbol') return false;
  if (value === null || typeof value !== 'object') return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === Array.prototype || prototype === null;
}
