/** The sandbox's limits: defaults and their validation, once, when the sandbox is made. */
import { z } from 'zod';
import { validateConfig } from '../../config/index.js';
import type { SandboxLimits } from './types.js';

/**
 * Defaults sized for slot-filling handlers (a regex, a template) and for handlers that carry a table of
 * weights (up to 256 KB of source, like the offline writer's softmax handlers): they run in well under a
 * millisecond and a few hundred kilobytes of heap. The time limit is the CPU time of the sandbox's thread
 * (time-limit.ts; wall-clock where that clock is missing), with a wall-clock backstop at 5× the limit:
 * a timeout counts against the handler in validation and canary, and on a loaded 2-core host wall-clock
 * time made ordinary handlers time out. The stack limit is small on purpose: QuickJS counts its
 * own stack, but its parser and JSON code recurse through WebAssembly frames on the host's stack,
 * and at 64 KiB source nested 100,000 deep overflowed the host's stack before QuickJS's check
 * (the sandbox then replaces its instance, so it still fails closed, only slower).
 */
export const defaultSandboxLimits: Readonly<Required<SandboxLimits>> = Object.freeze({
  memoryBytes: 8 * 1024 * 1024,
  timeoutMs: 100,
  compileTimeoutMs: 1_000,
  maxOutputChars: 4_000,
  maxStackBytes: 32 * 1024,
  maxCodeChars: 256 * 1024,
});

const limitsSchema = z
  .object({
    memoryBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .max(1024 * 1024 * 1024)
      .default(defaultSandboxLimits.memoryBytes),
    timeoutMs: z.number().positive().max(60_000).default(defaultSandboxLimits.timeoutMs),
    compileTimeoutMs: z.number().positive().max(60_000).optional(),
    maxOutputChars: z.number().int().min(1).max(1_000_000).default(defaultSandboxLimits.maxOutputChars),
    maxStackBytes: z
      .number()
      .int()
      .min(8 * 1024)
      .max(256 * 1024)
      .default(defaultSandboxLimits.maxStackBytes),
    maxCodeChars: z.number().int().min(1).max(1_000_000).default(defaultSandboxLimits.maxCodeChars),
  })
  .strict()
  .transform((limits) => ({
    ...limits,
    compileTimeoutMs:
      limits.compileTimeoutMs ?? Math.max(defaultSandboxLimits.compileTimeoutMs, limits.timeoutMs),
  }));

/** Fills in the defaults; throws InvalidConfigError naming each wrong limit. */
export function resolveSandboxLimits(limits: Partial<SandboxLimits> = {}): Readonly<Required<SandboxLimits>> {
  return Object.freeze(validateConfig(limitsSchema, limits, 'handler sandbox limits'));
}
