/**
 * The README promises that every command it shows works as written after `npm install && npm start`.
 * This test takes every command of its ```bash blocks, starts `npm start` in a copy of the checkout,
 * runs each command there with bash, in README order, and expects exit code 0.
 *
 * Skipped, by two explicit rules only:
 * - a line holding a `<placeholder>` in angle brackets (something the reader fills in);
 * - the commands in `exempt`, each with its reason.
 * The documented port 8787 is replaced by a free port (other servers may hold 8787 on this machine).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const exempt: Record<string, string> = {
  'npm install && npm start':
    'the setup of this test: it runs npm start itself (npm install needs the registry)',
  'npm test': 'the whole suite, this test included',
  'STEWARD_DATABASE_URL=postgres://steward:secret@db.internal:5432/steward npm start':
    "the reader's own PostgreSQL server; the suites run steward on a real PostgreSQL",
};

/**
 * The commands of the README's ```bash blocks: continuation lines joined, comment lines dropped, and a
 * trailing comment (whitespace, `#`, whitespace) cut off.
 */
function readmeCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/^```bash\n([\s\S]*?)^```$/gm)) {
    const joined = block[1]!.replace(/\\\n\s*/g, ' ');
    for (const line of joined.split('\n')) {
      const command = line.replace(/\s+#\s.*$/, '').trim();
      if (command !== '' && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

/** Commands this test must never run unlisted: they install into, or run the suite of, the checkout. */
const needsExemption = (command: string) => /\bnpm\s+(install|i|ci|test|t)\b/.test(command);

const isPlaceholder = (command: string) => /<[^<>\s][^<>]*>/.test(command);
const commands = readmeCommands(readFileSync(join(root, 'README.md'), 'utf8'));
const runnable = commands.filter((command) => !(command in exempt) && !isPlaceholder(command));

let checkout: string;
let server: ChildProcess | undefined;
let port: number;
let serverOutput = '';
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  checkout = mkdtempSync(join(tmpdir(), 'steward-readme-'));
  // A copy of what npm install leaves in a checkout; dist/ keeps its times, so its stamp still matches src/.
  for (const entry of [
    'package.json',
    'bin',
    'src',
    'examples',
    'steward.config.ts',
    'tsconfig.json',
    'README.md',
  ]) {
    cpSync(join(root, entry), join(checkout, entry), { recursive: true, preserveTimestamps: true });
  }
  if (existsSync(join(root, 'dist'))) {
    cpSync(join(root, 'dist'), join(checkout, 'dist'), { recursive: true, preserveTimestamps: true });
  }
  symlinkSync(realpathSync(join(root, 'node_modules')), join(checkout, 'node_modules'));
  port = await freePort();
  env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('STEWARD_') && name !== 'ANTHROPIC_API_KEY',
    ),
  );
  env.STEWARD_PORT = String(port);
  server = spawn('npm', ['start'], { cwd: checkout, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not listen in 120 s:\n${serverOutput}`)),
      120_000,
    );
    const read = (chunk: Buffer) => {
      serverOutput += chunk.toString();
      if (serverOutput.includes('steward listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    server!.stdout!.on('data', read);
    server!.stderr!.on('data', read);
    server!.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${serverOutput}`));
    });
  });
}, 150_000);

afterAll(async () => {
  if (server?.pid !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    process.kill(-server.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (server.exitCode === null) process.kill(-server.pid, 'SIGKILL');
  }
  if (checkout) rmSync(checkout, { recursive: true, force: true });
});

describe('README commands', () => {
  it('finds the commands, and skips only placeholders and the listed exemptions', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(10);
    expect(runnable.filter(needsExemption), 'add these to `exempt`, with the reason').toEqual([]);
    expect(commands.filter((command) => command in exempt).sort()).toEqual(Object.keys(exempt).sort());
    expect(runnable).toContain('./bin/steward.js trust show');
  });

  it.each(runnable)(
    '%s',
    async (command) => {
      const result = await bash(command.replaceAll('127.0.0.1:8787', `127.0.0.1:${port}`));
      expect(result.code, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
      // curl exits 0 on an HTTP error too: an error body fails the command.
      expect(result.stdout, command).not.toMatch(/^\{"error":/);
    },
    120_000,
  );
});

function bash(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends everything the command started.
    const child = spawn('bash', ['-c', command], {
      cwd: checkout,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, 100_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
