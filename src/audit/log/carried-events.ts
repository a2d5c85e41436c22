/**
 * One chained record per interaction: the records of an interaction that waited for its closing record
 * (message received, the tier that answered, a successful completion) go into the chain inside that
 * record, as one row, instead of one row each. Per-row work (hashing, the insert, the chain head) is the
 * cost of an audit record, so a cache hit appends one row instead of four.
 *
 * The row's `eventType` is `interaction:` and the carried event types in order, the closing one last
 * (`interaction:message-received,tier-answered,interaction-completed,reply-sent`), so counts by event
 * type stay one GROUP BY over the event index; its payload is `{ events: [{ actor?, at, eventType,
 * payload }, …] }` with each event's masked (maybe encrypted) payload as it would have been stored on
 * its own; its `at` is the latest event's, and every event is at most {@link CARRIED_SPAN_MS} older.
 * Readers expand such a row into its events ({@link expandRecord}); each event keeps the row's tenant,
 * agent, conversation, interaction, channel, level, key id, seq and hashes, and gets the id
 * `<row id>#<index>`. The hash covers the payload, so a change to any carried event breaks the chain.
 */
import { quoteString } from './canonical-json.js';
import type { AuditRecord, PreparedRecord } from './record.js';

/** The event type prefix of a row that carries an interaction's events. */
export const CARRIER_PREFIX = 'interaction:';

/** Events that may ride in a later record of their interaction. */
export const carriableEventTypes: ReadonlySet<string> = new Set([
  'message-received',
  'tier-answered',
  'interaction-completed',
]);

/** Events whose record closes an interaction and carries its waiting events. */
export const closingEventTypes: ReadonlySet<string> = new Set(['reply-sent', 'interaction-completed']);

/**
 * Longest time between a carried event's `at` and its row's `at`: searches and reports by time read the
 * rows up to this much after a window, so that an event inside it whose row is stamped later is found.
 */
export const CARRIED_SPAN_MS = 60_000;

/** Longest `eventType` a row may have (the column's length). */
const MAX_EVENT_TYPE_LENGTH = 128;

/** True when the row carries events (its event type names them). */
export function isCarrierType(eventType: string): boolean {
  return eventType.startsWith(CARRIER_PREFIX);
}

/** The event types a carrier row holds, in order; `[eventType]` for any other row. */
export function carriedTypes(eventType: string): string[] {
  return isCarrierType(eventType) ? eventType.slice(CARRIER_PREFIX.length).split(',') : [eventType];
}

/** Whether `waiting` may ride in `closing`'s row: same scope, level and key, close enough in time. */
export function mayCarry(waiting: PreparedRecord, closing: PreparedRecord): boolean {
  return (
    waiting.interactionId !== null &&
    waiting.interactionId === closing.interactionId &&
    waiting.tenantId === closing.tenantId &&
    waiting.agentId === closing.agentId &&
    waiting.conversationId === closing.conversationId &&
    waiting.channel === closing.channel &&
    waiting.level === closing.level &&
    waiting.keyId === closing.keyId &&
    carriableEventTypes.has(waiting.eventType) &&
    Math.abs(closing.at - waiting.at) <= CARRIED_SPAN_MS
  );
}

/**
 * One prepared row holding `carried` then `closing` (each already masked, encrypted and encoded), or
 * undefined when they do not fit one row (its event type or payload would pass the limits). The payload
 * is built from the events' canonical JSON texts, so nothing is encoded twice.
 */
export function carryRecords(
  carried: readonly PreparedRecord[],
  closing: PreparedRecord,
  maxPayloadBytes: number,
): PreparedRecord | undefined {
  const events = [...carried, closing];
  const eventType = CARRIER_PREFIX + events.map((event) => event.eventType).join(',');
  if (eventType.length > MAX_EVENT_TYPE_LENGTH) return undefined;
  let at = closing.at;
  const parts: string[] = [];
  for (const event of events) {
    if (event.at > at) at = event.at;
    // Keys in canonical order: actor, at, eventType, payload.
    parts.push(
      `{${event.actor === null ? '' : `"actor":${quoteString(event.actor)},`}"at":${event.at}` +
        `,"eventType":${quoteString(event.eventType)},"payload":${event.payloadJson}}`,
    );
  }
  const payloadJson = `{"events":[${parts.join(',')}]}`;
  if (payloadJson.length * 3 > maxPayloadBytes && Buffer.byteLength(payloadJson) > maxPayloadBytes) {
    return undefined;
  }
  return {
    tenantId: closing.tenantId,
    id: closing.id,
    agentId: closing.agentId,
    eventType,
    at,
    conversationId: closing.conversationId,
    interactionId: closing.interactionId,
    channel: closing.channel,
    actor: closing.actor,
    level: closing.level,
    keyId: closing.keyId,
    payloadJson,
    truncated: false,
  };
}

interface CarriedEvent {
  actor?: unknown;
  at?: unknown;
  eventType?: unknown;
  payload?: unknown;
}

/**
 * The events a stored record stands for: the record itself, or the events a carrier row holds. A carrier
 * whose payload is not the carried form (edited by hand: verification reports it) is returned as is.
 *
 * @example
 * const events = page.flatMap(expandRecord); // message-received, tier-answered, … each its own record
 */
export function expandRecord(record: AuditRecord): AuditRecord[] {
  if (!isCarrierType(record.eventType)) return [record];
  const events = (record.payload as { events?: unknown }).events;
  if (!Array.isArray(events) || !events.every(isCarriedEvent)) return [record];
  return (events as Array<Required<Omit<CarriedEvent, 'actor'>> & { actor?: string }>).map(
    (event, index) => ({
      ...record,
      id: `${record.id}#${index}`,
      eventType: event.eventType as string,
      at: event.at as number,
      actor: event.actor ?? null,
      payload: event.payload as Record<string, unknown>,
    }),
  );
}

function isCarriedEvent(value: unknown): value is CarriedEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as CarriedEvent;
  return (
    typeof event.eventType === 'string' &&
    typeof event.at === 'number' &&
    (event.actor === undefined || typeof event.actor === 'string') &&
    typeof event.payload === 'object' &&
    event.payload !== null &&
    !Array.isArray(event.payload)
  );
}
