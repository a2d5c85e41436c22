/** The ClaudeAgent config: the five primitives' sections plus identity, model, store and runtime. */
import { z } from 'zod';
import { auditConfigSchema } from '../audit/index.js';
import { channelConfigSchema, messageHandlingConfigSchema } from '../channels/index.js';
import { learningConfigSchema } from '../learn/index.js';
import { optimizationConfigSchema } from '../optimize/index.js';
import type { AgentRuntime } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';
import { trustConfigSchema } from '../trust/index.js';

/** Tenant and agent ids: letters, digits and `._:-`, 1..128 characters, starting with a letter or digit. */
export const idSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'an id of 1-128 letters, digits or ._:- starting with a letter or digit',
  );

const storeConfigSchema = z
  .object({
    url: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    poolSize: z.number().int().min(1).max(1000).optional(),
    synchronous: z.enum(['normal', 'full']).optional(),
    cacheMb: z.number().int().min(1).max(4096).optional(),
    encryptionKey: z.string().min(1).optional(),
  })
  .strict();

const isStore = (value: unknown): value is StewardStore =>
  typeof value === 'object' && value !== null && 'interactions' in value && 'db' in value && 'close' in value;

const isRuntime = (value: unknown): value is AgentRuntime =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as AgentRuntime).run === 'function' &&
  typeof (value as AgentRuntime).stats === 'function';

export const limitsSchema = z
  .object({
    /** Longest accepted message, in characters; default 32,000. */
    maxMessageChars: z.number().int().min(1).default(32_000),
    /** A model run is ended after this many milliseconds; default 120,000. */
    timeoutMs: z.number().int().min(1).default(120_000),
    /** Most model turns (tool round trips) in one run; default 20. */
    maxTurns: z.number().int().min(1).default(20),
    /** Output tokens per model call; default 4096. Bounds what one call can cost (budgets rely on it). */
    maxOutputTokens: z.number().int().min(1).max(128_000).default(4096),
    /**
     * Feedback one customer may give per minute (a burst of as many, refilled continuously), so one
     * sender cannot demote the agent; kept per process; default 10. Operators are not limited.
     */
    feedbackPerCustomerPerMinute: z.number().int().min(1).default(10),
  })
  .strict();

export const agentConfigSchema = z
  .object({
    tenantId: idSchema.default('default'),
    agentId: idSchema.default('default'),
    systemPrompt: z.string().optional(),
    model: z.string().min(1).optional(),
    /** Tools the model may see (Claude Code tool names and `mcp__…`); default none. */
    tools: z.array(z.string().min(1)).default([]),
    store: z.union([storeConfigSchema, z.custom<StewardStore>(isStore, 'an open StewardStore')]).optional(),
    runtime: z
      .custom<AgentRuntime>(isRuntime, 'an AgentRuntime (e.g. new ClaudeAgentSdkRuntime({...}))')
      .optional(),
    limits: limitsSchema.default({
      maxMessageChars: 32_000,
      timeoutMs: 120_000,
      maxTurns: 20,
      maxOutputTokens: 4096,
      feedbackPerCustomerPerMinute: 10,
    }),
    /** Reply given when no tier could answer (e.g. the model failed). */
    fallbackReply: z
      .string()
      .min(1)
      .default("Sorry, I couldn't complete that request. Please try again shortly."),
    trust: trustConfigSchema.optional(),
    optimization: optimizationConfigSchema.optional(),
    learning: learningConfigSchema.optional(),
    channels: z.array(channelConfigSchema).default([]),
    messageHandling: messageHandlingConfigSchema.default({
      normalizeInput: true,
      detectUrgency: false,
      maintainContext: false,
    }),
    audit: auditConfigSchema.optional(),
    /** Injected clock (epoch ms), for tests. */
    now: z
      .custom<() => number>((value) => typeof value === 'function', 'a function returning epoch ms')
      .optional(),
    /** Injected id generator, for tests. */
    createId: z
      .custom<() => string>((value) => typeof value === 'function', 'a function returning a string')
      .optional(),
  })
  .strict();

/** The config `new ClaudeAgent(config)` and `defineConfig(config)` take. */
export type AgentConfig = z.input<typeof agentConfigSchema>;
export type ResolvedAgentConfig = z.output<typeof agentConfigSchema>;

/**
 * Types a `steward.config.ts` without building anything.
 *
 * @example
 * export default defineConfig({ tenantId: 'acme-bakery', agentId: 'front-desk', systemPrompt: '…' });
 */
export function defineConfig<Config extends AgentConfig | AgentConfig[]>(config: Config): Config {
  return config;
}
