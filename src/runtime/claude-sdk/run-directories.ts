/**
 * The private folders each SDK run's CLI lives in (home, config and temporary directory, which end up
 * holding the conversation in plaintext; it works in the agent's workspace, see workspaces.ts): made 0700 under the data directory, removed when
 * the run ends or the process exits, and swept at start-up when the process that made them is gone.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, realpath, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where runs are made when the runtime is given no folder: beside the default SQLite store. */
export const defaultRunsDirectory = './.steward/runs';

/**
 * A run folder is named `run-<host>-<pid>-<process>-<random>`. The host tag keeps processes of other
 * machines or containers sharing the folder out of the sweep (their pids mean nothing here); the process
 * tag tells this process from an earlier one that had the same pid (a restarted container is pid 1 again).
 */
const hostTag = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const processTag = randomBytes(4).toString('hex');
const runFolderPattern = /^run-([0-9a-f]{8})-(\d+)-([0-9a-f]{8})-/;

/** The folders of this process's runs in progress, removed synchronously if the process exits first. */
const liveFolders = new Set<string>();
let exitHandlerInstalled = false;

export interface RunDirectory {
  /** The run's folder; everything below is removed with it. */
  root: string;
  /** `HOME` of the CLI child. */
  home: string;
  /** `CLAUDE_CONFIG_DIR`: sessions, transcripts, settings. */
  configDir: string;
  /** `CLAUDE_CODE_TMPDIR`: the CLI's task outputs, its shell's temporary folder (else under /tmp/claude-<uid>). */
  tmp: string;
  /**
   * `TMPDIR`: a private folder of the run in the system's temporary folder, not below `root`, because the
   * sandbox's proxy sockets are made there and a socket's path may have at most 107 bytes.
   */
  systemTmp: string;
  /** Removes the folder; never rejects. */
  remove(): Promise<void>;
}

export interface SweepResult {
  /** Folders of processes that are gone, now removed. */
  removed: string[];
  /** Processes still running in a removed folder (the CLI of a killed server, its tools), now killed. */
  killedProcesses: number[];
}

/**
 * Creates the runs folder (0700; an existing one is narrowed to 0700, since only we write there) and
 * sweeps the folders left by processes that died without removing them, there and in the system's
 * temporary folder.
 */
export async function prepareRunsDirectory(
  runsDirectory: string,
  systemTmp: string = tmpdir(),
): Promise<SweepResult> {
  await mkdir(runsDirectory, { recursive: true, mode: 0o700 });
  const { mode } = await stat(runsDirectory);
  if ((mode & 0o077) !== 0) await chmod(runsDirectory, 0o700);
  const swept = await sweepRunsDirectory(runsDirectory);
  await sweepTemporaryFolders(systemTmp);
  return swept;
}

/** Removes the runs' `TMPDIR` folders (sockets, nothing else of theirs) that dead processes left behind. */
export async function sweepTemporaryFolders(
  systemTmp: string,
  isAlive: (pid: number) => boolean = isProcessAlive,
): Promise<string[]> {
  const names = await readdir(systemTmp).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names.filter((entry) => isStale(entry, isAlive))) {
    const folder = join(systemTmp, name);
    await rm(folder, { recursive: true, force: true })
      .then(() => removed.push(folder))
      .catch(() => {});
  }
  return removed;
}

/**
 * Removes the run folders of this host whose process is gone (or is an earlier process with this pid),
 * first killing any process still working inside one. Folders of live processes, of other hosts and
 * names we did not make are left alone.
 */
export async function sweepRunsDirectory(
  runsDirectory: string,
  isAlive: (pid: number) => boolean = isProcessAlive,
): Promise<SweepResult> {
  const result: SweepResult = { removed: [], killedProcesses: [] };
  const names = (await readdir(runsDirectory)).filter((name) => isStale(name, isAlive));
  if (names.length === 0) return result;
  const stale = names.map((name) => join(runsDirectory, name));
  // Run folders are named by their real path in the environment of their processes.
  const real = await realpath(runsDirectory);
  result.killedProcesses = await stopProcessesInside(names.map((name) => join(real, name)));
  for (const folder of stale) {
    await rm(folder, { recursive: true, force: true })
      .then(() => result.removed.push(folder))
      .catch(() => {});
  }
  return result;
}

/** Makes one run's private folder (mkdtemp creates it 0700) with its subfolders. */
export async function createRunDirectory(
  runsDirectory: string,
  systemTmp: string = tmpdir(),
): Promise<RunDirectory> {
  const prefix = `run-${hostTag}-${process.pid}-${processTag}-`;
  const made = await mkdtemp(join(runsDirectory, prefix));
  // Real, so that the sweep finds the run's processes by it whatever path the runs folder is given by.
  const root = await realpath(made).catch(() => made);
  track(root);
  const folders = [root];
  const remove = async () => {
    for (const folder of folders) {
      await rm(folder, { recursive: true, force: true }).catch(() => {});
      liveFolders.delete(folder);
    }
  };
  const directory: RunDirectory = {
    root,
    home: join(root, 'home'),
    configDir: join(root, 'home', '.claude'),
    tmp: join(root, 'tmp'),
    systemTmp: '',
    remove,
  };
  try {
    directory.systemTmp = await mkdtemp(join(systemTmp, prefix));
    folders.push(directory.systemTmp);
    track(directory.systemTmp);
    await Promise.all(
      [directory.configDir, directory.tmp].map((path) => mkdir(path, { recursive: true, mode: 0o700 })),
    );
  } catch (error) {
    await remove();
    throw error;
  }
  return directory;
}

function isStale(name: string, isAlive: (pid: number) => boolean): boolean {
  const match = runFolderPattern.exec(name);
  if (!match || match[1] !== hostTag) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return match[3] !== processTag;
  return !isAlive(pid);
}

/** True while a process with this pid exists (EPERM: it exists, but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A server killed with SIGKILL leaves its CLI children running (they do not notice for minutes), and a
 * CLI stopped with SIGTERM still writes its transcript: either would recreate a removed folder. On Linux,
 * /proc tells which processes a run started: the CLI and the tools it runs carry the run's
 * CLAUDE_CONFIG_DIR in their environment (an operator's shell inside the folder does not).
 */
function processesOf(folders: string[]): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const started: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const configDir = configDirOf(Number(entry));
    if (configDir !== undefined && folders.some((folder) => configDir.startsWith(folder + sep))) {
      started.push(Number(entry));
    }
  }
  return started;
}

/** The CLAUDE_CONFIG_DIR a process started with; undefined for most, and once it is gone or a zombie. */
function configDirOf(pid: number): string | undefined {
  try {
    const environment = readFileSync(`/proc/${pid}/environ`, 'utf8');
    const prefix = 'CLAUDE_CONFIG_DIR=';
    return environment
      .split('\0')
      .find((variable) => variable.startsWith(prefix))
      ?.slice(prefix.length);
  } catch {
    return undefined;
  }
}

function killAll(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, 'SIGKILL');
      return true;
    } catch {
      return false;
    }
  });
}

/** Kills what works inside the folders and waits (up to a second) until it is gone. */
async function stopProcessesInside(folders: string[]): Promise<number[]> {
  const killed = killAll(processesOf(folders));
  const deadline = Date.now() + 1_000;
  while (killed.some((pid) => configDirOf(pid) !== undefined) && Date.now() < deadline) {
    await sleep(10);
  }
  return killed;
}

function track(folder: string): void {
  liveFolders.add(folder);
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  // process.exit(), an uncaught exception, or the end of the event loop with a run still going.
  process.on('exit', () => {
    const killed = killAll(processesOf([...liveFolders]));
    // Synchronous, as 'exit' listeners must be: a killed process is gone within a few milliseconds.
    const deadline = Date.now() + 200;
    while (killed.some((pid) => configDirOf(pid) !== undefined) && Date.now() < deadline) {}
    for (const live of liveFolders) {
      try {
        rmSync(live, { recursive: true, force: true });
      } catch {}
    }
  });
}

/** The resident memory (VmRSS) of the processes a run's folder started, in bytes; 0 where /proc is not. */
export function residentBytesOf(folder: string): number {
  let total = 0;
  for (const pid of processesOf([folder])) {
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) total += Number(match[1]) * 1024;
    } catch {}
  }
  return total;
}
