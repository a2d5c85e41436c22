/** The audit sink of key changes in `steward serve` and the CLI: a platform Audit on the store, opened on first use. */
import { Audit, type AuditRecordInput } from '../../audit/index.js';
import type { StewardStore } from '../../store/index.js';
import type { KeyAuditSink } from './key-service.js';

export interface PlatformAuditSink extends KeyAuditSink {
  close(): Promise<void>;
}

/**
 * Opened lazily, so the agents' audits (with their clocks and log options) open the store's shared log first.
 *
 * @example
 * const audit = createPlatformAuditSink(store, process.env);
 * const keys = await ApiKeyService.open(store, { audit });
 */
export function createPlatformAuditSink(
  store: StewardStore,
  environment: NodeJS.ProcessEnv,
): PlatformAuditSink {
  let audit: Audit | undefined;
  return {
    append(input: AuditRecordInput) {
      audit ??= new Audit(store, {}, { environment });
      return audit.append(input);
    },
    async close() {
      await audit?.close();
    },
  };
}
