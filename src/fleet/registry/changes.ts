/**
 * Change records: every registry write reports what changed (ids, versions, the names of the sections
 * changed, never config values) to a sink. The registry does not know where they go; `auditChangeSink`
 * appends them to the tamper-evident audit log, each in the chain of the tenant it concerns (templates,
 * which belong to the platform, in the `steward-platform` chain).
 */
import type { Audit } from '../../audit/index.js';

export type RegistryEventType =
  | 'tenant-created'
  | 'tenant-changed'
  | 'agent-created'
  | 'agent-config-changed'
  | 'agent-disabled'
  | 'template-created'
  | 'template-changed'
  | 'template-deleted';

/** One change, scoped like an audit record: the tenant's chain and the agent (or `steward-registry`). */
export interface RegistryChange {
  eventType: RegistryEventType;
  tenantId: string;
  agentId: string;
  actor: string;
  /** Epoch ms of the write. */
  at: number;
  /** Ids, versions and the names of what changed; no config values (configs may hold secrets). */
  payload: Record<string, unknown>;
}

/** Where the registry reports its changes, after each write commits. */
export interface RegistryChangeSink {
  record(changes: readonly RegistryChange[]): Promise<void>;
}

/**
 * Appends each change to the audit log through `audit` (masked like every record).
 *
 * @example
 * const registry = new Registry(store, { changes: auditChangeSink(new Audit(store, {})) });
 */
export function auditChangeSink(audit: Audit): RegistryChangeSink {
  return {
    async record(changes) {
      await Promise.all(
        changes.map((change) =>
          audit.append({
            tenantId: change.tenantId,
            agentId: change.agentId,
            eventType: change.eventType,
            at: change.at,
            actor: change.actor,
            level: audit.config.level,
            payload: change.payload,
          }),
        ),
      );
    },
  };
}

/** Keeps no records: for tests and tools that must not write to the audit log. */
export const discardChanges: RegistryChangeSink = { record: async () => {} };
