/** The options of ClaudeAgentSdkRuntime: schema, environment fallbacks, and the child's environment. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { renderValue, valueAt } from '../../config/index.js';
import { InvalidConfigError } from '../../errors/index.js';
import { ConcurrencyLimiter } from '../concurrency-limiter.js';
import type { SandboxMode } from '../types.js';
import type { McpToolDefinition } from './mcp-tools.js';
import { defaultRunsDirectory } from './run-directories.js';
import type { WarmSessionLimits } from './warm-session-pool.js';
import { defaultWorkspacesDirectory } from './workspaces.js';

export interface ClaudeAgentSdkRuntimeOptions {
  /** Anthropic API key; falls back to `ANTHROPIC_API_KEY`. Any value works against the simulator. */
  apiKey?: string;
  /** Messages API base URL (`ANTHROPIC_BASE_URL` for the CLI); falls back to `ANTHROPIC_BASE_URL`. */
  baseUrl?: string;
  /** Model id for runs that do not name one; default: the CLI's default model. */
  model?: string;
  /** True when `baseUrl` points at the local simulated model: results are then marked as simulated. */
  simulatedModel: boolean;
  /** Runs at once on this host (each spawns a ~250 MB CLI child); default 4. Not with `limiter`. */
  concurrency?: number;
  /** A limiter shared with other runtimes, instead of `concurrency`/`maxQueued`. */
  limiter?: ConcurrencyLimiter;
  /** Waiting runs before `queue-full`; default 1000. Not with `limiter`. */
  maxQueued?: number;
  /** Timeout of a run that sets no `timeoutMs`; default 120000. */
  defaultTimeoutMs?: number;
  /** The CLI to run; default: the one bundled with the SDK. */
  pathToClaudeCodeExecutable?: string;
  /** More environment variables for the CLI child, e.g. `{ CLAUDE_CODE_MAX_RETRIES: '0' }`. */
  extraEnv?: Record<string, string>;
  /** Called with every run's wait for a concurrency slot, in milliseconds (for the queue-wait metric). */
  onQueueWait?: (waitMs: number) => void;
  /** In-process tools, offered to the model as `mcp__<server>__<name>`. */
  mcpTools?: McpToolDefinition[];
  /**
   * Tools for runs that do not list `tools`: built-in names (`Read`, `Write`, …) and `mcp__<server>__<name>`
   * names. Default: the CLI's default built-in set and every tool of `mcpTools`.
   */
  defaultTools?: string[];
  /**
   * The folder each run's CLI gets a private home, working and temporary directory in (they hold the
   * conversation in plaintext): created 0700, each run's folder removed when it ends, folders of dead
   * processes swept at start-up. Default `./.steward/runs`; `steward serve` and ClaudeAgent use the
   * `runs` folder beside their SQLite store.
   */
  runsDirectory?: string;
  /**
   * The folder of the agents' workspaces: each run works in `<workspacesDirectory>/<tenantId>/<agentId>`
   * (created 0700), and the CLI's file tools refuse every path outside it. Default `./.steward/workspaces`;
   * `steward serve` and ClaudeAgent use the `workspaces` folder beside their SQLite store.
   */
  workspacesDirectory?: string;
  /**
   * The OS sandbox for shell commands (bubblewrap and socat on Linux, Seatbelt on macOS), which confines
   * them to the workspace and the system's programs: `'if-available'` (default) uses it where the CLI can
   * start it and offers no shell tools elsewhere; `'required'` fails every run with `sandbox-unavailable`
   * where it cannot start; `'off'` runs shell commands unconfined (trust alone decides them).
   */
  sandbox?: SandboxMode;
  /**
   * Warm sessions: a conversation's CLI child stays up between its turns (the SDK's streaming-input
   * mode), so turns after the first skip the CLI's cold start. Off by default; `{}` turns it on with the
   * defaults: `max` 8 live sessions, `idleMs` 300000, `memoryBudgetMb` 2048 for the pool's children
   * together (least recently used evicted first). Only runs with a `conversationId` and `sessions` use it.
   */
  warmSessions?: false | Partial<WarmSessionLimits>;
}

/** The warm-session limits used for what `warmSessions` leaves out. */
export const warmSessionDefaults: WarmSessionLimits = { max: 8, idleMs: 300_000, memoryBudgetMb: 2048 };

/** The options after validation and environment fallbacks. */
export interface ResolvedRuntimeOptions {
  apiKey: string;
  baseUrl?: string;
  model?: string;
  simulatedModel: boolean;
  limiter: ConcurrencyLimiter;
  defaultTimeoutMs: number;
  pathToClaudeCodeExecutable?: string;
  extraEnv: Record<string, string>;
  onQueueWait?: (waitMs: number) => void;
  mcpTools: McpToolDefinition[];
  defaultTools?: string[];
  /** Absolute. */
  runsDirectory: string;
  /** Absolute. */
  workspacesDirectory: string;
  sandbox: SandboxMode;
  /** Undefined: warm sessions are off. */
  warmSessions?: WarmSessionLimits;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const mcpNamePart = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-" (at most 64), as MCP names allow');

const optionsSchema = z
  .object({
    apiKey: z.string().min(1).optional(),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    model: z.string().min(1).optional(),
    simulatedModel: z.boolean({ error: 'true or false (true when baseUrl is the simulated model)' }),
    concurrency: z.number().int().min(1).optional(),
    limiter: z.instanceof(ConcurrencyLimiter).optional(),
    maxQueued: z.number().int().min(0).optional(),
    defaultTimeoutMs: z.number().int().positive().optional(),
    pathToClaudeCodeExecutable: z.string().min(1).optional(),
    extraEnv: z.record(z.string(), z.string()).optional(),
    onQueueWait: z.custom<(waitMs: number) => void>(isFunction, 'a function').optional(),
    mcpTools: z
      .array(
        z.object({
          server: mcpNamePart,
          name: mcpNamePart,
          description: z.string().min(1),
          inputSchema: z.record(
            z.string(),
            z.custom<z.ZodType>((value) => value instanceof z.ZodType, 'a zod schema'),
          ),
          handler: z.custom<McpToolDefinition['handler']>(isFunction, 'a function'),
        }),
      )
      .optional(),
    defaultTools: z.array(z.string().min(1)).optional(),
    runsDirectory: z.string().min(1).optional(),
    workspacesDirectory: z.string().min(1).optional(),
    sandbox: z.enum(['required', 'if-available', 'off']).optional(),
    warmSessions: z
      .union([
        z.literal(false),
        z.object({
          max: z.number().int().min(1).optional(),
          idleMs: z.number().int().positive().optional(),
          memoryBudgetMb: z.number().positive().optional(),
        }),
      ])
      .optional(),
  })
  .superRefine((options, context) => {
    if (options.limiter && (options.concurrency !== undefined || options.maxQueued !== undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['limiter'],
        message: 'either a shared limiter or concurrency/maxQueued, not both',
      });
    }
    if (options.simulatedModel && !options.baseUrl) {
      context.addIssue({
        code: 'custom',
        path: ['baseUrl'],
        message: 'the simulated model URL (startSimulatedModel().url) when simulatedModel is true',
      });
    }
    if (!options.simulatedModel && !options.apiKey) {
      context.addIssue({
        code: 'custom',
        path: ['apiKey'],
        message:
          'an Anthropic API key: pass apiKey, or set ANTHROPIC_API_KEY; to run offline, start the simulated ' +
          'model and pass { baseUrl: simulated.url, simulatedModel: true }',
      });
    }
    const names = new Set<string>();
    for (const [position, definition] of (options.mcpTools ?? []).entries()) {
      const name = `mcp__${definition.server}__${definition.name}`;
      if (names.has(name)) {
        context.addIssue({
          code: 'custom',
          path: ['mcpTools', position, 'name'],
          message: `a unique name, ${name} is taken`,
        });
      }
      names.add(name);
    }
  });

/** The environment variables the runtime falls back to, read in one place. */
export function runtimeEnvironmentDefaults(
  environment: NodeJS.ProcessEnv = process.env,
): Pick<ClaudeAgentSdkRuntimeOptions, 'apiKey' | 'baseUrl'> {
  const defaults: Pick<ClaudeAgentSdkRuntimeOptions, 'apiKey' | 'baseUrl'> = {};
  if (environment.ANTHROPIC_API_KEY) defaults.apiKey = environment.ANTHROPIC_API_KEY;
  if (environment.ANTHROPIC_BASE_URL) defaults.baseUrl = environment.ANTHROPIC_BASE_URL;
  return defaults;
}

/** Validates the options once, applying environment fallbacks; throws InvalidConfigError listing every problem. */
export function resolveRuntimeOptions(
  options: ClaudeAgentSdkRuntimeOptions,
  environment: NodeJS.ProcessEnv = process.env,
): ResolvedRuntimeOptions {
  const withDefaults = { ...runtimeEnvironmentDefaults(environment), ...definedOnly(options ?? {}) };
  const parsed = optionsSchema.safeParse(withDefaults);
  if (!parsed.success) {
    throw new InvalidConfigError(
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        expected: issue.message,
        received: renderValue(valueAt(withDefaults, issue.path)),
      })),
      'ClaudeAgentSdkRuntime options',
    );
  }
  const value = parsed.data;
  const resolved: ResolvedRuntimeOptions = {
    apiKey: value.apiKey ?? 'sk-simulated-model',
    simulatedModel: value.simulatedModel,
    limiter:
      value.limiter ??
      new ConcurrencyLimiter({
        limit: value.concurrency ?? 4,
        ...(value.maxQueued === undefined ? {} : { maxQueued: value.maxQueued }),
      }),
    defaultTimeoutMs: value.defaultTimeoutMs ?? 120_000,
    extraEnv: { ...value.extraEnv },
    mcpTools: [...(options.mcpTools ?? [])],
    runsDirectory: resolve(value.runsDirectory ?? defaultRunsDirectory),
    workspacesDirectory: resolve(value.workspacesDirectory ?? defaultWorkspacesDirectory),
    sandbox: value.sandbox ?? 'if-available',
  };
  if (value.baseUrl) resolved.baseUrl = value.baseUrl.replace(/\/+$/, '');
  if (value.model) resolved.model = value.model;
  if (value.pathToClaudeCodeExecutable)
    resolved.pathToClaudeCodeExecutable = value.pathToClaudeCodeExecutable;
  if (value.onQueueWait) resolved.onQueueWait = value.onQueueWait;
  if (value.defaultTools) resolved.defaultTools = [...value.defaultTools];
  if (value.warmSessions) {
    resolved.warmSessions = { ...warmSessionDefaults, ...definedOnly(value.warmSessions) };
  }
  return resolved;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/**
 * The CLI child's whole environment (the SDK's `env` option replaces, not extends, `process.env`): only
 * what the CLI needs, so no secret of the host process leaks into the agent's tools.
 */
export function childEnvironment(
  options: ResolvedRuntimeOptions,
  directories: { home: string; configDir: string; tmp: string; systemTmp: string },
): Record<string, string> {
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: directories.home,
    CLAUDE_CONFIG_DIR: directories.configDir,
    // The CLI keeps task outputs under <tmp>/claude-<uid>/<project>/ and never removes them.
    CLAUDE_CODE_TMPDIR: directories.tmp,
    // Its other temporary files, and the sandbox's proxy sockets (short paths only).
    TMPDIR: directories.systemTmp,
    ANTHROPIC_API_KEY: options.apiKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_AGENT_SDK_CLIENT_APP: 'claude-steward',
  };
  if (options.baseUrl) environment.ANTHROPIC_BASE_URL = options.baseUrl;
  return { ...environment, ...options.extraEnv };
}
