/**
 * The second wall around an agent's tools, independent of trust: the CLI's own settings refuse file-tool
 * reads and writes outside the agent's workspace, and its sandbox (bubblewrap on Linux, Seatbelt on macOS)
 * confines shell commands to the workspace and the system's programs. Whether the sandbox can run here is
 * asked of the CLI itself, once per process.
 */

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  Options,
  SandboxSettings,
  SDKResultMessage,
  SDKUserMessage,
  Settings,
} from '@anthropic-ai/claude-agent-sdk';
import { StewardError } from '../../errors/index.js';
import type { RuntimeIsolation, SandboxMode, SandboxStatus } from '../types.js';
import { loadSdk } from './sdk-module.js';

/** Tools that run shell commands: the sandbox covers them, and without it they are not offered. */
export const shellTools = ['Bash', 'Monitor', 'PowerShell'];

/**
 * What a sandboxed shell may read besides the workspace (the CLI adds the run's temporary folder): the
 * system's programs and libraries, not its configuration or anybody's data. Missing paths are skipped.
 */
export const shellReadablePaths = [
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/etc/alternatives',
  '/etc/ld.so.cache',
  '/etc/ssl/certs',
  '/etc/localtime',
];

/** The CLI settings that keep its file tools inside the working directory, in every permission mode. */
export const workspaceSettings: Settings = {
  permissions: {
    // Read, Glob, Grep, LSP; also asks about shell commands that name a path outside.
    blockReadsOutsideWorkingDirectories: true,
    // Also attachments, file inputs, memory and CLAUDE.md includes; only the launch's folders count.
    blockFileToolReadsOutsideWorkingDirectories: true,
    // Write, Edit, NotebookEdit.
    blockWritesOutsideWorkingDirectories: true,
  },
};

/** The SDK's sandbox for one run in `workspace`: on, required, no way out, no host secret inside. */
export function sandboxFor(workspace: string): SandboxSettings {
  return {
    enabled: true,
    // Should the CLI find the sandbox gone after all, the run fails instead of running commands unconfined.
    failIfUnavailable: true,
    // The model's `dangerouslyDisableSandbox` is ignored.
    allowUnsandboxedCommands: false,
    // Every command still goes through canUseTool and the PreToolUse hook (trust).
    autoAllowBashIfSandboxed: false,
    filesystem: { denyRead: ['/'], allowRead: [workspace, ...shellReadablePaths] },
    // The CLI needs the key; the agent's commands do not.
    credentials: { envVars: [{ name: 'ANTHROPIC_API_KEY', mode: 'deny' }] },
  };
}

/** How a run is isolated, by mode and by what the probe found. */
export function describeIsolation(mode: SandboxMode, found: SandboxProbe | undefined): RuntimeIsolation {
  if (mode === 'off' || found === undefined) {
    return { workspace: 'per-agent', sandboxMode: mode, sandbox: 'off', shell: 'unconfined' };
  }
  const isolation: RuntimeIsolation = {
    workspace: 'per-agent',
    sandboxMode: mode,
    sandbox: found.status,
    shell:
      found.status !== 'unavailable' ? 'sandboxed' : mode === 'required' ? 'runs-refused' : 'not-offered',
  };
  if (found.reason !== undefined) isolation.reason = found.reason;
  return isolation;
}

export interface SandboxProbe {
  status: Exclude<SandboxStatus, 'off'>;
  /** Why the sandbox is unavailable, in the CLI's words. */
  reason?: string;
  /** The CLI gave no answer in time: ask again next time. */
  undecided?: boolean;
}

/** The CLI's error when a required sandbox cannot start, as a typed error. */
export function sandboxUnavailableError(
  reason: string | undefined,
  details: Record<string, unknown> = {},
): StewardError {
  return new StewardError(
    'sandbox-unavailable',
    `the agent's shell sandbox cannot run on this host${reason ? `: ${reason}` : ''}; on Linux install ` +
      "bubblewrap and socat (apt-get install bubblewrap socat), or set the runtime's sandbox option to " +
      "'if-available' (no shell tools without it) or 'off' (shell commands unconfined)",
    { details: reason === undefined ? details : { ...details, reason } },
  );
}

/** The reason of a result the CLI wrote because a required sandbox could not start, if it is one. */
export function sandboxFailureOf(result: SDKResultMessage | undefined): string | undefined {
  if (result?.subtype !== 'error_during_execution') return undefined;
  if (result.startup_failure_reason !== 'sandbox_required_unavailable') return undefined;
  return cleanReason(result.errors.join('; '));
}

/** Drops the CLI's advice on how to run without the sandbox, which is not ours to give. */
function cleanReason(text: string): string {
  return text
    .replace(/\s*Set sandbox\.failIfUnavailable=false[^.]*\.?/g, '')
    .replace(/^Sandbox required but unavailable:\s*/i, '')
    .trim();
}

const probes = new Map<string, Promise<SandboxProbe>>();

/**
 * The answer on the sandbox for one CLI and PATH (`key`), asked with `ask` once per process: it depends on
 * the host, the CLI and the programs on the PATH its child gets. An answer that came too late is asked again.
 */
export function probeSandbox(key: string, ask: () => Promise<SandboxProbe>): Promise<SandboxProbe> {
  let probe = probes.get(key);
  if (!probe) {
    probe = ask().catch(
      (error: unknown): SandboxProbe => ({
        status: 'unavailable',
        reason: `the sandbox could not be checked: ${(error as Error).message}`,
        undecided: true,
      }),
    );
    probes.set(key, probe);
    void probe.then((found) => {
      if (found.undecided) probes.delete(key);
    });
  }
  return probe;
}

/** Records what a run found out: the CLI refused to start because the sandbox is gone. */
export function rememberSandboxUnavailable(key: string, reason: string): void {
  probes.set(key, Promise.resolve({ status: 'unavailable', reason }));
}

/**
 * Asks the CLI whether its sandbox can start: it is launched with the sandbox required and stopped as soon
 * as it has answered the SDK's initialize request (no prompt, no model call). About 2 s.
 */
export async function askCliForSandbox(
  options: Pick<Options, 'env' | 'cwd' | 'pathToClaudeCodeExecutable'>,
  timeoutMs = 30_000,
): Promise<SandboxProbe> {
  const { query } = await loadSdk();
  const abortController = new AbortController();
  const timer = setTimeout(() => abortController.abort(), timeoutMs);
  const conversation = query({
    // A prompt that never comes: the CLI starts, answers the initialize request, and waits.
    prompt: (async function* (): AsyncGenerator<SDKUserMessage> {
      await new Promise((resolve) => abortController.signal.addEventListener('abort', resolve));
    })(),
    options: {
      ...options,
      abortController,
      settingSources: [],
      tools: [],
      sandbox: { enabled: true, failIfUnavailable: true },
    },
  });
  try {
    // With the sandbox required, the CLI answers the initialize request only once the sandbox works.
    await conversation.initializationResult();
    return { status: process.platform === 'darwin' ? 'seatbelt' : 'bubblewrap' };
  } catch (error) {
    if (abortController.signal.aborted) {
      return {
        status: 'unavailable',
        reason: `the CLI did not say within ${timeoutMs} ms whether its sandbox can start`,
        undecided: true,
      };
    }
    const message = (error as Error).message.replace(/^.*returned an error result:\s*/, '');
    return { status: 'unavailable', reason: cleanReason(message) };
  } finally {
    clearTimeout(timer);
    abortController.abort();
    // Until the child has exited: it must not write into its folders once they are removed.
    try {
      for await (const _message of conversation) {
      }
    } catch {}
    conversation.close();
  }
}

/**
 * {@link askCliForSandbox} in a short-lived child Node process (`sandbox-probe-child`): the SDK, about 28 MB
 * of RSS, is imported there and not into a process that may never run the model. Same timeout, same answers.
 */
export async function askCliForSandboxInChild(
  options: Pick<Options, 'env' | 'cwd' | 'pathToClaudeCodeExecutable'>,
  timeoutMs = 30_000,
  graceMs = 5_000,
): Promise<SandboxProbe> {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(`./sandbox-probe-child.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  // Its own process group, so that a child stuck behind a CLI that ignores SIGTERM is stopped with that CLI.
  const child = spawn(process.execPath, [...(fromSource ? ['--import', 'tsx'] : []), script], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let errors = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (output.length < MAX_PROBE_OUTPUT) output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (errors.length < MAX_PROBE_OUTPUT) errors += chunk;
  });
  // The environment goes through stdin, not argv, so its secrets are not in the process list.
  child.stdin.on('error', () => {});
  child.stdin.end(JSON.stringify({ options, timeoutMs }));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, timeoutMs + graceMs);
  let code: number | null;
  try {
    code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) {
    return {
      status: 'unavailable',
      reason: `the sandbox probe did not finish within ${timeoutMs + graceMs} ms and was stopped`,
      undecided: true,
    };
  }
  if (code !== 0) {
    return {
      status: 'unavailable',
      reason: cleanReason(`the sandbox probe exited with ${code}: ${errors.trim().slice(0, 500)}`),
    };
  }
  return readProbeAnswer(output);
}

/** The most of the probe child's output kept: its answer is a few hundred bytes. */
const MAX_PROBE_OUTPUT = 64 * 1024;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {}
}

/** The child's answer, or an undecided one (asked again later) when what it printed is not an answer. */
export function readProbeAnswer(output: string): SandboxProbe {
  try {
    const answer = JSON.parse(output) as Partial<SandboxProbe> | null;
    const statuses: unknown[] = ['bubblewrap', 'seatbelt', 'unavailable'];
    if (answer && typeof answer === 'object' && statuses.includes(answer.status))
      return answer as SandboxProbe;
  } catch {}
  return {
    status: 'unavailable',
    reason: `the sandbox probe answered something unreadable: ${JSON.stringify(output.slice(0, 200))}`,
    undecided: true,
  };
}
