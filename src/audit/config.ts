/** The `audit` section of the ClaudeAgent config. */
import { z } from 'zod';
import { durationSchema } from '../config/index.js';
import { piiTypes } from '../privacy/index.js';

export const auditConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** minimal: event names and ids; standard: plus masked message text; detailed: plus tool inputs and outputs. */
    level: z.enum(['minimal', 'standard', 'detailed']).default('standard'),
    compliance: z
      .object({
        standards: z.array(z.enum(['SOC2', 'HIPAA', 'GDPR', 'PCI'])).default([]),
        /** Mask PII before anything is stored (interactions, approvals, audit records); default true. */
        piiDetection: z.boolean().default(true),
        /**
         * Masking strategy per PII type (`email`, `payment-card` …) and `default`: 'redact' (`[EMAIL]`),
         * 'partial' (`****1234`) or 'hash' (HMAC, stable for joins; needs `STEWARD_AUDIT_HASH_KEY`).
         * Default `{ default: 'redact' }`.
         */
        masking: z
          .partialRecord(z.enum(['default', ...piiTypes]), z.enum(['redact', 'partial', 'hash']))
          .optional(),
        /** Encrypt message bodies and tool inputs/outputs in audit records (AES-256-GCM, `STEWARD_AUDIT_KEY`). */
        encryption: z.boolean().default(false),
      })
      .strict()
      .optional(),
    retention: z
      .object({
        duration: durationSchema.default('1y'),
        /** Where sealed segments are archived: `file://…` or `s3://bucket/prefix`. */
        storage: z
          .string()
          .regex(/^(file|s3):\/\//, 'a file:// or s3:// URL')
          .optional(),
        format: z.enum(['json']).default('json'),
        /**
         * S3 Object Lock mode for archived objects (retained until their records' retention ends);
         * the bucket must have Object Lock enabled. S3 endpoint and credentials come from the AWS
         * environment (`AWS_REGION`, `AWS_ACCESS_KEY_ID` …) and `STEWARD_AUDIT_S3_ENDPOINT`.
         */
        objectLock: z.enum(['COMPLIANCE', 'GOVERNANCE']).optional(),
      })
      .strict()
      .optional(),
    analytics: z
      .object({
        dashboard: z.boolean().default(false),
        alerts: z.array(z.enum(['unusual_activity', 'permission_escalation'])).default([]),
      })
      .strict()
      .optional(),
  })
  .strict();

export type AuditConfig = z.input<typeof auditConfigSchema>;
export type ResolvedAuditConfig = z.output<typeof auditConfigSchema>;
