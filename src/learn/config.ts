/** The `learning` section of the ClaudeAgent config. */
import { z } from 'zod';
import { durationSchema } from '../config/index.js';

export const learningConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    patterns: z
      .object({
        minOccurrences: z.number().int().min(1).default(10),
        confidenceThreshold: z.number().min(0).max(1).default(0.95),
        timeWindow: durationSchema.default('7d'),
      })
      .strict()
      .optional(),
    capabilities: z
      .object({
        autoGenerate: z.boolean().default(false),
        requireApproval: z.boolean().default(true),
        /** Fraction (0..1) of recorded traffic a generated handler must pass. */
        testCoverage: z.number().min(0).max(1).default(0.9),
        /** Handlers one cluster may get in all: the first and its regenerations after rollbacks. */
        maxGenerations: z.number().int().min(1).max(20).default(3),
      })
      .strict()
      .optional(),
    deployment: z
      .object({
        strategy: z.enum(['canary', 'immediate']).default('canary'),
        rolloutPercentage: z.number().min(0).max(100).default(10),
        successCriteria: z
          .object({ errorRate: z.number().min(0).max(1).default(0.01) })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type LearningConfig = z.input<typeof learningConfigSchema>;
export type ResolvedLearningConfig = z.output<typeof learningConfigSchema>;
