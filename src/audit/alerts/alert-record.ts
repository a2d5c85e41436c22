/** The audit record of a raised alert: how an alert enters the log (and the compliance report's anomalies). */
import type { AuditRecordInput } from '../log/index.js';
import type { Alert } from './types.js';

/**
 * The `audit-alert-raised` record input for an alert; append it through the Audit (masked like
 * every record). The report reads `type`, `reason`, `severity` and `summary` from its payload.
 *
 * @example
 * for (const alert of await engine.observe(record)) await audit.append(alertRecordInput(alert, 'standard'));
 */
export function alertRecordInput(alert: Alert, level: string): AuditRecordInput {
  return {
    tenantId: alert.tenantId,
    agentId: alert.agentId,
    eventType: 'audit-alert-raised',
    at: alert.at,
    level,
    payload: {
      alertId: alert.id,
      type: alert.type,
      reason: alert.reason,
      severity: alert.severity,
      summary: alert.summary,
      evidence: alert.evidence,
      dedupKey: alert.dedupKey,
    },
  };
}
