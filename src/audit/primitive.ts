/**
 * Audit as a pipeline primitive: it records every event on the agent's bus (masked, maybe encrypted,
 * durable before the turn is acknowledged), records the agent's config when it changes, and flushes the
 * log when the agent closes. It takes no part in a turn otherwise: other primitives never call audit.
 */
import { definePrimitive, type Primitive } from '../pipeline/index.js';
import { Audit } from './audit.js';
import type { ResolvedAuditConfig } from './config.js';

/** The opened audit primitive of one agent; `audit` is what `agent.audit()` returns. */
export interface AuditPrimitive extends Primitive {
  readonly name: 'audit';
  readonly audit: Audit;
}

/**
 * The agent config as audit sees it: its own section, and every other section, which it records by hash.
 * Live objects (an open store, a runtime, the injected clock and ids) are not configuration.
 */
export interface AuditedAgentConfig {
  audit?: ResolvedAuditConfig | undefined;
  [section: string]: unknown;
}

/** Opens when the agent's config has an enabled `audit` section. */
export const auditPrimitive = definePrimitive({
  name: 'audit',
  async open(context, config: AuditedAgentConfig): Promise<AuditPrimitive | undefined> {
    if (!config.audit?.enabled) return undefined;
    const audit = new Audit(context.store, config.audit, { now: context.now, redactor: context.redactor });
    const detach = audit.attach(context.events);
    try {
      const { store: _store, runtime: _runtime, now: _now, createId: _createId, ...recorded } = config;
      await audit.recordConfig({ tenantId: context.tenantId, agentId: context.agentId }, recorded);
    } catch (error) {
      detach();
      await audit.close();
      throw error;
    }
    return {
      name: 'audit',
      audit,
      async close() {
        detach();
        await audit.close();
      },
    };
  },
});
