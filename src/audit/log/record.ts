/**
 * Audit records and their hash chain. Each tenant's records form one chain:
 * `hash = sha256(prevHash + '\n' + canonicalJson(record without hash))` in hex, where the payload
 * enters as the exact canonical JSON text that is stored, and the first record's prevHash is 64 zeros.
 */
import * as nodeCrypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { StewardError } from '../../errors/index.js';
import { CanonicalJsonTooLong, canonicalJson, quoteString, wellFormed } from './canonical-json.js';

/** The prevHash of a tenant's first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a caller appends. The payload must already be masked (and its sensitive fields encrypted). */
export interface AuditRecordInput {
  tenantId: string;
  agentId: string;
  /** e.g. `tool-call-denied`. */
  eventType: string;
  /** Epoch ms. */
  at: number;
  conversationId?: string | null;
  interactionId?: string | null;
  channel?: string | null;
  /** Who acted, when it was a person or system rather than the agent (an operator, an approver). */
  actor?: string | null;
  /** The audit level the record was written at (minimal, standard, detailed). */
  level: string;
  /** A JSON object. Lone surrogates become U+FFFD; above the log's `maxPayloadBytes` it is truncated. */
  payload: Record<string, unknown>;
  /** The id of the key that encrypted fields of the payload. */
  keyId?: string | null;
}

/** The metadata every stored record carries, beside its payload. */
interface AuditRecordFields {
  tenantId: string;
  /** 1, 2, 3 … per tenant. */
  seq: number;
  id: string;
  agentId: string;
  eventType: string;
  at: number;
  conversationId: string | null;
  interactionId: string | null;
  channel: string | null;
  actor: string | null;
  level: string;
  keyId: string | null;
  prevHash: string;
  hash: string;
}

/** A stored record, payload parsed. */
export interface AuditRecord extends AuditRecordFields {
  payload: Record<string, unknown>;
}

/** A stored record as it is hashed and kept: the payload as its canonical JSON text. */
export interface SerializedAuditRecord extends AuditRecordFields {
  payload: string;
}

/** Longest value accepted per field, in UTF-16 code units (the columns' varchar lengths). */
export const auditFieldLimits = {
  tenantId: 128,
  agentId: 128,
  eventType: 128,
  conversationId: 256,
  interactionId: 128,
  channel: 64,
  actor: 256,
  level: 32,
  keyId: 128,
  id: 64,
} as const;

/** An input validated and encoded, waiting for its place (seq and prevHash) in a chain. */
export interface PreparedRecord extends Omit<AuditRecordFields, 'seq' | 'prevHash' | 'hash'> {
  /** Canonical JSON, at most `maxPayloadBytes` of UTF-8. */
  payloadJson: string;
  truncated: boolean;
}

export interface PrepareOptions {
  id: string;
  /** Payloads whose canonical JSON is longer in UTF-8 are replaced by a truncated preview. */
  maxPayloadBytes: number;
  /** Deepest payload nesting accepted. */
  maxDepth: number;
}

/**
 * Validates and encodes one input. Never throws anything but a StewardError('invalid-request').
 *
 * @example
 * const prepared = prepareRecord(input, { id: randomUUID(), maxPayloadBytes: 65_536, maxDepth: 64 });
 */
export function prepareRecord(input: AuditRecordInput, options: PrepareOptions): PreparedRecord {
  if (typeof input !== 'object' || input === null) invalid('an audit record must be an object');
  const payload: unknown = input.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    invalid('audit record payload must be a JSON object');
  }
  if (!Number.isSafeInteger(input.at) || input.at < 0) {
    invalid(
      `audit record at must be epoch milliseconds (a non-negative integer), received ${String(input.at)}`,
    );
  }
  const { payloadJson, truncated } = encodePayload(payload, options);
  return {
    tenantId: requiredField(input, 'tenantId'),
    id: requiredField({ id: options.id }, 'id'),
    agentId: requiredField(input, 'agentId'),
    eventType: requiredField(input, 'eventType'),
    at: input.at,
    conversationId: optionalField(input, 'conversationId'),
    interactionId: optionalField(input, 'interactionId'),
    channel: optionalField(input, 'channel'),
    actor: optionalField(input, 'actor'),
    level: requiredField(input, 'level'),
    keyId: optionalField(input, 'keyId'),
    payloadJson,
    truncated,
  };
}

function encodePayload(
  payload: object,
  options: PrepareOptions,
): { payloadJson: string; truncated: boolean } {
  const { maxPayloadBytes } = options;
  try {
    // UTF-8 takes at least one byte per UTF-16 code unit, so a longer encoding is surely too big.
    const payloadJson = canonicalJson(payload, { maxDepth: options.maxDepth, maxLength: maxPayloadBytes });
    if (payloadJson.length * 3 <= maxPayloadBytes || Buffer.byteLength(payloadJson) <= maxPayloadBytes) {
      return { payloadJson, truncated: false };
    }
    return { payloadJson: truncatedPayload(payloadJson, maxPayloadBytes), truncated: true };
  } catch (error) {
    if (error instanceof CanonicalJsonTooLong) {
      return { payloadJson: truncatedPayload(error.prefix, maxPayloadBytes), truncated: true };
    }
    throw error;
  }
}

const encoder = new TextEncoder();

/** `{ truncated: true, limitBytes, preview }`: the start of the canonical JSON, within the limit. */
function truncatedPayload(encoded: string, maxPayloadBytes: number): string {
  for (let budget = Math.floor(maxPayloadBytes / 2); ; budget = Math.floor(budget / 2)) {
    // encodeInto writes whole characters only, so `read` never splits a surrogate pair.
    const { read } = encoder.encodeInto(encoded.slice(0, budget), new Uint8Array(budget));
    const candidate = canonicalJson({
      truncated: true,
      limitBytes: maxPayloadBytes,
      preview: encoded.slice(0, read ?? 0),
    });
    if (Buffer.byteLength(candidate) <= maxPayloadBytes || budget === 0) return candidate;
  }
}

type StringField = Exclude<keyof typeof auditFieldLimits, 'id'> | 'id';

function requiredField(input: object, field: StringField): string {
  const value = (input as Record<string, unknown>)[field];
  if (typeof value !== 'string' || value === '') {
    invalid(`audit record ${field} must be a non-empty string`, field);
  }
  return checkedString(value, field);
}

function optionalField(input: object, field: StringField): string | null {
  const value = (input as Record<string, unknown>)[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') invalid(`audit record ${field} must be a string when given`, field);
  return checkedString(value, field);
}

function checkedString(value: string, field: StringField): string {
  const limit = auditFieldLimits[field];
  if (value.length > limit) {
    invalid(`audit record ${field} is ${value.length} characters long; the limit is ${limit}`, field);
  }
  // PostgreSQL text cannot hold NUL; one such row would fail the whole batch's commit.
  if (value.includes('\u0000')) invalid(`audit record ${field} contains a NUL character`, field);
  return wellFormed(value);
}

function invalid(message: string, field?: string): never {
  throw new StewardError('invalid-request', message, field === undefined ? {} : { details: { field } });
}

// crypto.hash (Node >= 20.12) skips the Hash object: a third faster on records this small.
const oneShotHash = (nodeCrypto as { hash?: typeof nodeCrypto.hash }).hash;

/** The fields a record's hash covers: all but the hash itself. */
export type HashedFields = Omit<SerializedAuditRecord, 'hash'>;

function nullable(value: string | null): string {
  return value === null ? 'null' : quoteString(value);
}

/**
 * The canonical JSON of a record without its hash. Written out by hand, keys in sorted order, so the
 * hot path of verification builds one string and no intermediate objects.
 */
export function canonicalRecordText(record: HashedFields): string {
  return (
    `{"actor":${nullable(record.actor)},"agentId":${quoteString(record.agentId)},"at":${canonicalInteger(record.at)}` +
    `,"channel":${nullable(record.channel)},"conversationId":${nullable(record.conversationId)}` +
    `,"eventType":${quoteString(record.eventType)},"id":${quoteString(record.id)}` +
    `,"interactionId":${nullable(record.interactionId)},"keyId":${nullable(record.keyId)}` +
    `,"level":${quoteString(record.level)},"payload":${record.payload}` +
    `,"prevHash":${quoteString(record.prevHash)},"seq":${canonicalInteger(record.seq)}` +
    `,"tenantId":${quoteString(record.tenantId)}}`
  );
}

function canonicalInteger(value: number): string {
  // Stored values come back as numbers; anything else (a tampered row, a string from a driver) still
  // encodes deterministically instead of throwing.
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
}

/** The record's hash: sha256 over prevHash, a newline and its canonical text, hex. */
export function hashRecord(record: HashedFields): string {
  const text = `${record.prevHash}\n${canonicalRecordText(record)}`;
  return oneShotHash ? oneShotHash('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}

/** Gives a prepared record its place in the chain. */
export function sealRecord(prepared: PreparedRecord, seq: number, prevHash: string): SerializedAuditRecord {
  const record: SerializedAuditRecord = {
    tenantId: prepared.tenantId,
    seq,
    id: prepared.id,
    agentId: prepared.agentId,
    eventType: prepared.eventType,
    at: prepared.at,
    conversationId: prepared.conversationId,
    interactionId: prepared.interactionId,
    channel: prepared.channel,
    actor: prepared.actor,
    level: prepared.level,
    payload: prepared.payloadJson,
    keyId: prepared.keyId,
    prevHash,
    hash: '',
  };
  record.hash = hashRecord(record);
  return record;
}

/** The stored form of a record (payload as canonical JSON). */
export function serializeAuditRecord(record: AuditRecord | SerializedAuditRecord): SerializedAuditRecord {
  if (typeof record.payload === 'string') return record as SerializedAuditRecord;
  // Deeper than any payload the log accepts (maxPayloadDepth is at most 1,000).
  return { ...record, payload: canonicalJson(record.payload, { maxDepth: 1_001 }) };
}

/** A stored record with its payload parsed. */
export function parseAuditRecord(record: SerializedAuditRecord): AuditRecord {
  return { ...record, payload: JSON.parse(record.payload) as Record<string, unknown> };
}
