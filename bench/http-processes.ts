/**
 * The processes of `npm run bench http`: each server in a child of its own (so its CPU and memory are its
 * own), every child remembered and killed at the end, on failure and on SIGINT; their RSS from /proc.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stampMatches } from '../bin/source-stamp.js';

export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** Everything it printed, for the error when it fails. */
  output(): string;
}

const children = new Set<Child>();

/** Starts a child, keeps its output, and registers it so `stopAll` (and SIGINT) ends it. */
export function startChild(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Child {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const handle: Child = { name, process: child, pid: child.pid, output: () => output };
  children.add(handle);
  child.once('exit', () => children.delete(handle));
  return handle;
}

/** Resolves once `probe` succeeds; fails when the child exits first or after `timeoutMs`. */
export async function waitUntilReady(child: Child, probe: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`${child.name} exited before it was ready:\n${child.output()}`);
    }
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${child.name} was not ready in ${timeoutMs / 1000} s:\n${child.output()}`);
}

/** SIGTERM (a graceful exit, which writes a `--cpu-prof` profile), SIGKILL after `graceMs`. */
export async function stopChild(child: Child, graceMs = 15_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  const timer = new Promise((resolve) => setTimeout(resolve, graceMs, 'timeout'));
  if ((await Promise.race([exited, timer])) === 'timeout') {
    child.process.kill('SIGKILL');
    await exited;
  }
}

/** Stops every child still running, newest first (steward before its upstream). */
export async function stopAll(): Promise<void> {
  for (const child of [...children].reverse()) await stopChild(child);
}

let interrupted = false;
/** On SIGINT/SIGTERM: stop the children, then exit (a second signal kills them at once). */
export function stopChildrenOnSignals(): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      for (const child of children) child.process.kill('SIGKILL');
      process.exit(130);
    }
    interrupted = true;
    console.error(`[http] ${signal}: stopping the servers`);
    void stopAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Resident set size of a process in MiB (VmRSS of /proc/<pid>/status), undefined once it is gone. */
export function residentMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kilobytes = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kilobytes === undefined ? undefined : Number(kilobytes) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds a process has used so far, user and system, all its threads (utime + stime of /proc/<pid>/stat,
 * in clock ticks of 1/100 s), undefined once it is gone.
 */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces) start at its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Samples `residentMiB` every `everyMs` until `stop` is called, which returns the highest sample. */
export function sampleResident(pid: number, everyMs = 100): () => number | undefined {
  let highest: number | undefined;
  const take = () => {
    const now = residentMiB(pid);
    if (now !== undefined && (highest === undefined || now > highest)) highest = now;
  };
  take();
  const timer = setInterval(take, everyMs);
  return () => {
    clearInterval(timer);
    take();
    return highest;
  };
}

/** A port free on 127.0.0.1 now (for a server that cannot listen on port 0 and report it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `npm run build` when dist/ was not built from the sources in front of us (the stamp bin/steward.js checks). */
export function ensureBuild(): void {
  const sources = join(repositoryRoot, 'src');
  const stampFile = join(repositoryRoot, 'dist', '.source-stamp');
  if (existsSync(stampFile) && stampMatches(sources, JSON.parse(readFileSync(stampFile, 'utf8')))) return;
  console.error('[http] dist/ is stale: npm run build (steward serve runs the compiled build, as npm start)');
  const result = spawnSync(process.execPath, ['bin/build.js'], { cwd: repositoryRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed: steward serve runs the compiled build');
}

export const portkeyVersion = '1.15.2';

/**
 * The Portkey gateway's start script, installed on first use into a temporary folder kept per version
 * (it is not a dependency of the project). Its `postinstall: patch-package` finds no patches in the
 * published package, so npm's script policy skipping it changes nothing.
 */
export function ensurePortkey(): string {
  const folder = join(tmpdir(), 'claude-steward-bench', `portkey-${portkeyVersion}`);
  const script = join(folder, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
  if (existsSync(script)) return script;
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), '{ "private": true }\n');
  console.error(`[http] installing @portkey-ai/gateway@${portkeyVersion} into ${folder}`);
  const result = spawnSync(
    'npm',
    ['install', '--prefix', folder, '--no-audit', '--no-fund', `@portkey-ai/gateway@${portkeyVersion}`],
    { cwd: folder, stdio: 'inherit', timeout: 600_000 },
  );
  if (result.status !== 0 || !existsSync(script)) {
    throw new Error(`npm install @portkey-ai/gateway@${portkeyVersion} failed (exit ${result.status})`);
  }
  return script;
}

/**
 * A module to preload (`node --import`) into the Portkey gateway: it has no host option and would listen
 * on every interface, so a `listen(port)` without a host is given 127.0.0.1.
 */
export function loopbackPreload(): string {
  const file = join(tmpdir(), 'claude-steward-bench', 'listen-on-loopback.mjs');
  mkdirSync(join(tmpdir(), 'claude-steward-bench'), { recursive: true });
  writeFileSync(
    file,
    [
      "import net from 'node:net';",
      'const listen = net.Server.prototype.listen;',
      'net.Server.prototype.listen = function (...args) {',
      "  if (typeof args[0] === 'number' && (args[1] === undefined || typeof args[1] === 'function')) {",
      "    args.splice(1, args[1] === undefined ? 1 : 0, '127.0.0.1');",
      '  }',
      '  return listen.apply(this, args);',
      '};',
      '',
    ].join('\n'),
  );
  return file;
}
