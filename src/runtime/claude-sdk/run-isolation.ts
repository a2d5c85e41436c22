/**
 * Where each run of the SDK runtime works and how far its tools reach: the agent's workspace as the CLI's
 * working directory, the CLI settings that wall its file tools in, and its shell sandbox (or no shell
 * tools, or an unconfined shell), as the runtime's `sandbox` mode and the CLI's answer on its sandbox say.
 */
import type { Options } from '@anthropic-ai/claude-agent-sdk';
import { StewardError } from '../../errors/index.js';
import type { RuntimeIsolation, RuntimeRequest } from '../types.js';
import type { RunDirectory } from './run-directories.js';
import { childEnvironment, type ResolvedRuntimeOptions } from './runtime-options.js';
import {
  askCliForSandboxInChild,
  describeIsolation,
  probeSandbox,
  rememberSandboxUnavailable,
  type SandboxProbe,
  sandboxFor,
  sandboxUnavailableError,
  shellTools,
  workspaceSettings,
} from './sandbox.js';
import { prepareWorkspace } from './workspaces.js';

/** Where one run works and how its shell is confined. */
export interface RunIsolation {
  /** The agent's workspace, real and absolute: the CLI's working directory. */
  workspace: string;
  /** `on`: the CLI sandboxes the shell tools; `shell-withheld`: no sandbox, no shell tools; `off`: unconfined. */
  sandbox: 'on' | 'off' | 'shell-withheld';
}

export class RunIsolator {
  /**
   * @param createRunDirectory a private folder for the CLI that probes the sandbox
   * @param track keeps a probe under way in the runtime's in-flight work, which `close()` waits for
   */
  constructor(
    private readonly options: ResolvedRuntimeOptions,
    private readonly createRunDirectory: () => Promise<RunDirectory>,
    private readonly track: <T>(promise: Promise<T>) => Promise<T>,
  ) {}

  /** How runs are isolated on this host; the first call asks the CLI whether its sandbox can start. */
  async describe(): Promise<RuntimeIsolation> {
    const mode = this.options.sandbox;
    return describeIsolation(mode, mode === 'off' ? undefined : await this.probe());
  }

  /**
   * Makes the agent's workspace and decides the shell's sandbox; with `sandbox: 'required'` and none here,
   * fails with `sandbox-unavailable` before the run's CLI is spawned.
   */
  async forRun(request: RuntimeRequest): Promise<RunIsolation> {
    const mode = this.options.sandbox;
    const probe = mode === 'off' ? undefined : await this.probe();
    if (mode === 'required' && probe?.status === 'unavailable') {
      throw sandboxUnavailableError(probe.reason, { interactionId: request.interactionId });
    }
    const workspace = await this.workspaceOf(request);
    const sandbox = probe === undefined ? 'off' : probe.status === 'unavailable' ? 'shell-withheld' : 'on';
    return { workspace, sandbox };
  }

  /** The SDK options that put a run in its workspace and confine its tools there. */
  sdkOptions(isolation: RunIsolation): Pick<Options, 'cwd' | 'settings' | 'sandbox' | 'disallowedTools'> {
    const options: Pick<Options, 'cwd' | 'settings' | 'sandbox' | 'disallowedTools'> = {
      cwd: isolation.workspace,
      // A second wall, independent of trust: the file tools refuse every path outside the workspace.
      settings: workspaceSettings,
    };
    if (isolation.sandbox === 'on') options.sandbox = sandboxFor(isolation.workspace);
    // Without a sandbox a shell command could read any file: no shell tools unless sandbox is 'off'.
    if (isolation.sandbox === 'shell-withheld') options.disallowedTools = [...shellTools];
    return options;
  }

  /** A run found the sandbox gone after the probe found it: later runs go on as if it never was. */
  sandboxGone(reason: string): void {
    rememberSandboxUnavailable(this.probeKey(), reason);
  }

  private async workspaceOf(request: RuntimeRequest): Promise<string> {
    const { workspacesDirectory } = this.options;
    try {
      return await prepareWorkspace(workspacesDirectory, request.tenantId, request.agentId);
    } catch (error) {
      if (StewardError.isInstance(error)) throw error;
      throw new StewardError(
        'runtime-failed',
        `cannot create the workspace of ${request.tenantId}/${request.agentId} in ${workspacesDirectory}: ` +
          `${(error as Error).message}; pass a writable workspacesDirectory to ClaudeAgentSdkRuntime`,
        { cause: error },
      );
    }
  }

  /** The CLI's answer on its sandbox, asked once per process for each CLI and PATH. */
  private probe(): Promise<SandboxProbe> {
    return this.track(
      probeSandbox(this.probeKey(), async () => {
        const directory = await this.createRunDirectory();
        try {
          return await askCliForSandboxInChild({
            cwd: directory.root,
            env: childEnvironment(this.options, directory),
            ...(this.options.pathToClaudeCodeExecutable
              ? { pathToClaudeCodeExecutable: this.options.pathToClaudeCodeExecutable }
              : {}),
          });
        } finally {
          await directory.remove();
        }
      }),
    );
  }

  private probeKey(): string {
    const path = childEnvironment(this.options, { home: '', configDir: '', tmp: '', systemTmp: '' }).PATH;
    return `${this.options.pathToClaudeCodeExecutable ?? 'bundled'}\0${path}`;
  }
}
