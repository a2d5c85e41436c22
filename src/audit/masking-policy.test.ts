import { describe, expect, it } from 'vitest';
import { passThroughRedactor } from '../privacy/index.js';
import { auditConfigSchema } from './config.js';
import { redactorForAudit } from './masking-policy.js';

describe('redactorForAudit', () => {
  it('follows the audit config, and asks for a key when a hash strategy has none', () => {
    expect(redactorForAudit(undefined)).toBe(passThroughRedactor);
    expect(redactorForAudit(auditConfigSchema.parse({ enabled: false }))).toBe(passThroughRedactor);
    expect(redactorForAudit(auditConfigSchema.parse({ compliance: { piiDetection: false } }))).toBe(
      passThroughRedactor,
    );
    expect(redactorForAudit(auditConfigSchema.parse({})).enabled).toBe(true);
    const hashing = auditConfigSchema.parse({ compliance: { masking: { email: 'hash' } } });
    expect(() => redactorForAudit(hashing, {})).toThrow(/STEWARD_AUDIT_HASH_KEY/);
    const withKey = redactorForAudit(hashing, { STEWARD_AUDIT_HASH_KEY: 'k'.repeat(32) });
    const first = withKey.text('mail jo@example.com');
    expect(first).not.toContain('jo@example.com');
    expect(withKey.text('again jo@example.com').endsWith(first.slice('mail '.length))).toBe(true);
  });
});
