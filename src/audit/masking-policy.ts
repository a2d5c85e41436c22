/**
 * Which masking an agent's `audit` section asks for: the policy of the Redactor (src/privacy) that every
 * primitive of the agent masks through before it stores anything.
 */
import { InvalidConfigError } from '../errors/index.js';
import { createRedactor, type MaskPolicy, passThroughRedactor, type Redactor } from '../privacy/index.js';
import type { ResolvedAuditConfig } from './config.js';

/**
 * The redactor an agent's `audit` config asks for: masking on when audit is enabled and
 * `compliance.piiDetection` is not false; `hash` strategies take their key from `STEWARD_AUDIT_HASH_KEY`.
 */
export function redactorForAudit(
  audit: ResolvedAuditConfig | undefined,
  environment: NodeJS.ProcessEnv = process.env,
): Redactor {
  if (!audit?.enabled || audit.compliance?.piiDetection === false) return passThroughRedactor;
  const policy: MaskPolicy = { default: 'redact', ...audit.compliance?.masking };
  const hashKey = environment.STEWARD_AUDIT_HASH_KEY;
  if (Object.values(policy).includes('hash') && !hashKey) {
    throw new InvalidConfigError(
      [
        {
          path: 'audit.compliance.masking',
          received: 'a "hash" strategy without STEWARD_AUDIT_HASH_KEY',
          expected:
            'STEWARD_AUDIT_HASH_KEY set to an HMAC key of at least 16 bytes (e.g. `openssl rand -hex 32`), or "redact" / "partial"',
        },
      ],
      'ClaudeAgent config',
    );
  }
  return createRedactor({ policy, ...(hashKey ? { keys: { hashKey } } : {}) });
}
