/**
 * Run folders hold the CLI's plaintext transcript. A server killed with SIGKILL cannot remove them, so
 * the next start sweeps them (and the CLI the dead server left running), never the folder of a process
 * that is still running; a process that exits or crashes removes its own.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { quoteResult, runRequest } from '../../../test/support/simulated-sdk-runtime.js';
import { callToolThenReply, replyWithText, startSimulatedModel } from '../../simulator/index.js';
import { ClaudeAgentSdkRuntime } from './claude-sdk-runtime.js';
import {
  createRunDirectory,
  isProcessAlive,
  prepareRunsDirectory,
  sweepRunsDirectory,
} from './run-directories.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const childScript = join(root, 'test/support/sdk-run-child.ts');

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A runs folder removed after the test, with any CLI still working in it (the sweep kills those). */
function temporaryRunsDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'steward-runs-'));
  const runsDirectory = join(directory, 'runs');
  cleanups.push(async () => {
    if (existsSync(runsDirectory)) await sweepRunsDirectory(runsDirectory);
    rmSync(directory, { recursive: true, force: true });
  });
  return runsDirectory;
}

interface RunningChild {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts the child and resolves once its run is under way (the CLI's request reached the model). */
async function startChildRun(
  runsDirectory: string,
  ending: 'kill' | 'exit' | 'throw',
): Promise<RunningChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, runsDirectory, ending], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child's run did not start:\n${stderr}`)), 30_000);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('model-called\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`the child exited before its run started:\n${stderr}`)));
  });
  return { child, exited };
}

/**
 * The processes (on Linux) a run in `folder` started: the CLI and its tools, which carry the run's
 * CLAUDE_CONFIG_DIR (they work in the agent's workspace, not in the run's folder).
 */
function processesInside(folder: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const configDir = readFileSync(`/proc/${entry}/environ`, 'utf8')
          .split('\0')
          .find((variable) => variable.startsWith('CLAUDE_CONFIG_DIR='))
          ?.slice('CLAUDE_CONFIG_DIR='.length);
        return configDir?.startsWith(folder + sep) === true;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function runFolders(runsDirectory: string): string[] {
  return readdirSync(runsDirectory).map((name) => join(runsDirectory, name));
}

describe('run folders', () => {
  it('are swept at the next start after a SIGKILL, with the CLI left running; a live process keeps its own', async () => {
    const runsDirectory = temporaryRunsDirectory();
    const killed = await startChildRun(runsDirectory, 'kill');
    const [killedFolder] = runFolders(runsDirectory);
    expect(killedFolder).toBeDefined();
    expect(statSync(runsDirectory).mode & 0o777).toBe(0o700);
    expect(statSync(killedFolder!).mode & 0o777).toBe(0o700);
    // The CLI writes the conversation in plaintext into the run's config folder.
    const projects = join(killedFolder!, 'home', '.claude', 'projects');
    const transcript = () =>
      existsSync(projects)
        ? readdirSync(projects, { recursive: true, encoding: 'utf8' })
            .filter((name) => name.endsWith('.jsonl'))
            .map((name) => readFileSync(join(projects, name), 'utf8'))
            .join('')
        : '';
    await expect.poll(transcript, { timeout: 5_000 }).toContain('my secret plan');
    const orphans = processesInside(killedFolder!);
    expect(orphans.length).toBeGreaterThan(0);

    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    expect(existsSync(killedFolder!)).toBe(true);
    // The CLI does not notice its parent is gone (it lives on for minutes).
    expect(orphans.some(isProcessAlive)).toBe(true);

    const live = await startChildRun(runsDirectory, 'kill');
    const liveFolder = runFolders(runsDirectory).find((folder) => folder !== killedFolder);
    expect(liveFolder).toBeDefined();

    // The next start: a runtime on the same folder, which then runs to the end.
    const model = await startSimulatedModel({ respond: replyWithText('after the crash') });
    cleanups.push(() => model.close());
    const runtime = new ClaudeAgentSdkRuntime({
      baseUrl: model.url,
      simulatedModel: true,
      runsDirectory,
      workspacesDirectory: join(dirname(runsDirectory), 'workspaces'),
    });
    cleanups.push(() => runtime.close());
    expect((await runtime.run(runRequest())).text).toBe('after the crash');

    expect(runFolders(runsDirectory)).toEqual([liveFolder]);
    await expect.poll(() => orphans.filter(isProcessAlive), { timeout: 2_000 }).toEqual([]);

    // Once the live process is killed too, its folder goes at the next sweep.
    const liveOrphans = processesInside(liveFolder!);
    live.child.kill('SIGKILL');
    await live.exited;
    const swept = await prepareRunsDirectory(runsDirectory);
    expect(swept.removed).toEqual([liveFolder]);
    expect(swept.killedProcesses.sort()).toEqual(liveOrphans.sort());
    expect(runFolders(runsDirectory)).toEqual([]);
  }, 60_000);

  it.each(['exit', 'throw'] as const)(
    'are removed by a process that ends with %s mid-run',
    async (ending) => {
      const runsDirectory = temporaryRunsDirectory();
      const running = await startChildRun(runsDirectory, ending);
      const [folder, ...others] = runFolders(runsDirectory);
      expect(others).toEqual([]);
      const { code, stderr } = await running.exited;
      expect(code, stderr).not.toBe(0);
      expect(runFolders(runsDirectory)).toEqual([]);
      // Its CLI is gone too: one stopped more gently writes its transcript into the folder again.
      expect(processesInside(folder!)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(runFolders(runsDirectory)).toEqual([]);
    },
    40_000,
  );

  it('also hold the CLI’s temporary files, which it leaves behind in /tmp/claude-<uid> otherwise', async () => {
    const runsDirectory = temporaryRunsDirectory();
    const cliTemporary = join(tmpdir(), `claude-${process.getuid?.() ?? 0}`);
    // The CLI names its per-project folders after the working directory, slashes as dashes.
    const ours = () =>
      (existsSync(cliTemporary) ? readdirSync(cliTemporary) : []).filter((name) =>
        name.includes(basename(dirname(runsDirectory))),
      );
    const model = await startSimulatedModel({
      respond: callToolThenReply({
        toolUse: { name: 'Bash', input: { command: 'echo hi' } },
        reply: quoteResult,
      }),
    });
    cleanups.push(() => model.close());
    const runtime = new ClaudeAgentSdkRuntime({
      baseUrl: model.url,
      simulatedModel: true,
      runsDirectory,
      workspacesDirectory: join(dirname(runsDirectory), 'workspaces'),
    });
    cleanups.push(() => runtime.close());
    const result = await runtime.run(
      runRequest({ permissionGuard: { decide: () => ({ behavior: 'allow' }) } }),
    );
    expect(result.text).toBe('Tool said: hi');
    expect(ours()).toEqual([]);
    expect(runFolders(runsDirectory)).toEqual([]);
  });

  it('are left alone when they belong to this process, to another host, or are not ours', async () => {
    const runsDirectory = temporaryRunsDirectory();
    await prepareRunsDirectory(runsDirectory);
    const own = await createRunDirectory(runsDirectory);
    cleanups.push(() => own.remove());
    const [, hostTag] = /^run-([0-9a-f]{8})-/.exec(own.root.slice(runsDirectory.length + 1)) ?? [];
    const otherHost = join(
      runsDirectory,
      `run-${hostTag === '00000000' ? '11111111' : '00000000'}-1-0000abcd-x`,
    );
    const notOurs = join(runsDirectory, 'notes');
    // An earlier process with this pid (a restarted container) left one: that one is stale.
    const earlierSelf = join(runsDirectory, `run-${hostTag}-${process.pid}-0000abcd-x`);
    for (const folder of [otherHost, notOurs, earlierSelf]) mkdirSync(folder);

    const swept = await sweepRunsDirectory(runsDirectory, () => false);
    expect(swept).toEqual({ removed: [earlierSelf], killedProcesses: [] });
    expect(runFolders(runsDirectory).sort()).toEqual([otherHost, notOurs, own.root].sort());
    await own.remove();
    expect(existsSync(own.root)).toBe(false);
  });

  it('are swept killing only the processes their run started, not a shell that looks inside', async () => {
    const runsDirectory = temporaryRunsDirectory();
    await prepareRunsDirectory(runsDirectory);
    const own = await createRunDirectory(runsDirectory);
    cleanups.push(() => own.remove());
    const [, hostTag] = /^run-([0-9a-f]{8})-/.exec(basename(own.root)) ?? [];
    const stale = join(runsDirectory, `run-${hostTag}-999999999-0000abcd-x`);
    mkdirSync(join(stale, 'home', '.claude'), { recursive: true });
    const sleeper = (options: { cwd: string; env?: NodeJS.ProcessEnv }) => {
      const child = spawn('sleep', ['30'], { ...options, stdio: 'ignore' });
      cleanups.push(() => {
        child.kill('SIGKILL');
      });
      return child;
    };
    const shell = sleeper({ cwd: stale });
    const tool = sleeper({ cwd: tmpdir(), env: { CLAUDE_CONFIG_DIR: join(stale, 'home', '.claude') } });
    await expect.poll(() => readFileSync(`/proc/${tool.pid}/environ`, 'utf8')).toContain(stale);

    const swept = await sweepRunsDirectory(runsDirectory);
    expect(swept).toEqual({ removed: [stale], killedProcesses: [tool.pid] });
    expect(isProcessAlive(shell.pid!)).toBe(true);
  });

  it('keep the CLI’s TMPDIR short, in the system’s temporary folder, and sweep it like the rest', async () => {
    const runsDirectory = temporaryRunsDirectory();
    const systemTmp = dirname(runsDirectory);
    await prepareRunsDirectory(runsDirectory, systemTmp);
    // The sandbox's proxy sockets go to TMPDIR; a socket path has at most 107 bytes.
    const deep = join(runsDirectory, 'a'.repeat(60));
    mkdirSync(deep);
    const run = await createRunDirectory(deep, systemTmp);
    cleanups.push(() => run.remove());
    expect(dirname(run.systemTmp)).toBe(systemTmp);
    expect(`${run.systemTmp}/claude-http-0123456789abcdef.sock`.length).toBeLessThan(108);
    expect(statSync(run.systemTmp).mode & 0o777).toBe(0o700);
    await run.remove();
    expect(existsSync(run.systemTmp)).toBe(false);

    // One left by a dead process is swept at the next start; this process's live one is not.
    const live = await createRunDirectory(runsDirectory, systemTmp);
    cleanups.push(() => live.remove());
    const [, hostTag] = /^run-([0-9a-f]{8})-/.exec(basename(live.systemTmp)) ?? [];
    const stale = join(systemTmp, `run-${hostTag}-999999999-0000abcd-x`);
    mkdirSync(stale);
    await prepareRunsDirectory(runsDirectory, systemTmp);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live.systemTmp)).toBe(true);
  });

  it('narrow an existing runs folder to 0700', async () => {
    const runsDirectory = temporaryRunsDirectory();
    mkdirSync(runsDirectory, { mode: 0o755 });
    await prepareRunsDirectory(runsDirectory);
    expect(statSync(runsDirectory).mode & 0o777).toBe(0o700);
  });

  it('fail a run with runtime-failed when the runs folder cannot be made', async () => {
    const runtime = new ClaudeAgentSdkRuntime({
      baseUrl: 'http://127.0.0.1:9',
      simulatedModel: true,
      // A path below a regular file can never be created, not even by root.
      runsDirectory: join(childScript, 'runs'),
      workspacesDirectory: join(dirname(temporaryRunsDirectory()), 'workspaces'),
    });
    const error = await runtime.run(runRequest()).catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe('runtime-failed');
    expect((error as Error).message).toContain(
      `cannot create the run's private folder in ${join(childScript, 'runs')}`,
    );
    await runtime.close();
  });
});
