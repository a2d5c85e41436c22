/** Ids and actors the registry accepts, checked before anything is read or written. */
import { idSchema } from '../../agent/index.js';
import { StewardError } from '../../errors/index.js';

/** The audit chain of platform-level records (templates), beside the tenants' own chains. */
export const PLATFORM_TENANT_ID = 'steward-platform';
/** The agent id of registry records about a tenant or a template, rather than one agent. */
export const REGISTRY_AGENT_ID = 'steward-registry';
/** Tenant and agent ids with this prefix are the platform's own (audit chains, record scopes). */
export const RESERVED_ID_PREFIX = 'steward-';

/** Longest actor recorded (the audit log's actor column). */
const maxActorLength = 256;

export type IdKind = 'tenantId' | 'agentId' | 'templateId';

/** The id, or `invalid-request` saying what an id looks like; tenant and agent ids may not be reserved. */
export function checkId(kind: IdKind, value: unknown): string {
  const parsed = idSchema.safeParse(value);
  if (!parsed.success) {
    throw new StewardError(
      'invalid-request',
      `${kind}: expected an id of 1-128 letters, digits or ._:- starting with a letter or digit, received ${JSON.stringify(value)}`,
      { details: { field: kind } },
    );
  }
  if (kind !== 'templateId' && parsed.data.startsWith(RESERVED_ID_PREFIX)) {
    throw new StewardError(
      'invalid-request',
      `${kind}: ids starting with "${RESERVED_ID_PREFIX}" are reserved for the platform's own records; choose another`,
      { details: { field: kind } },
    );
  }
  return parsed.data;
}

/** Who made a change: 1-256 characters, trimmed. Every registry write records one. */
export function checkActor(actor: unknown): string {
  const trimmed = typeof actor === 'string' ? actor.trim() : '';
  if (trimmed === '' || trimmed.length > maxActorLength) {
    throw new StewardError(
      'invalid-request',
      `every registry change records who made it: give an actor of 1 to ${maxActorLength} characters`,
      { details: { field: 'actor' } },
    );
  }
  return trimmed;
}
