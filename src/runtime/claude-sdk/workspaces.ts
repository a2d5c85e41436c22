/**
 * Each agent's own folder, `<workspaces>/<tenantId>/<agentId>`: the working directory its tools run in, and
 * the only one the CLI's file tools and sandboxed shell may reach. The path is checked to stay below the
 * workspaces folder, and every folder on the way is private (0700).
 */
import { chmod, lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { StewardError } from '../../errors/index.js';

/** Where workspaces are made when the runtime is given no folder: beside the default SQLite store. */
export const defaultWorkspacesDirectory = './.steward/workspaces';

/** Tenant and agent ids as the agent config accepts them; never `.`, `..` or a path separator. */
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * The workspace of one tenant's agent, absolute. Throws `invalid-request` for an id that is not a plain
 * folder name, or a path that would leave the workspaces folder.
 *
 * @example
 * workspacePath('/srv/steward/workspaces', 'acme-bakery', 'front-desk'); // '/srv/steward/workspaces/acme-bakery/front-desk'
 */
export function workspacePath(workspacesDirectory: string, tenantId: string, agentId: string): string {
  for (const [name, id] of [
    ['tenantId', tenantId],
    ['agentId', agentId],
  ] as const) {
    if (typeof id !== 'string' || !idPattern.test(id)) {
      throw new StewardError(
        'invalid-request',
        `${name} must be 1-128 of A-Za-z0-9._:- starting with a letter or digit to name a workspace, received ${JSON.stringify(id)}`,
      );
    }
  }
  const root = resolve(workspacesDirectory);
  const path = resolve(root, tenantId, agentId);
  if (!isInside(root, path) || relative(root, path).split(sep).length !== 2) {
    throw new StewardError('invalid-request', `the workspace of ${tenantId}/${agentId} would leave ${root}`);
  }
  return path;
}

/**
 * Creates the workspace (and the folders above it up to the workspaces folder) 0700, narrows existing ones
 * to 0700, and returns its real path. Refuses a workspace that is, or lies below, a link to elsewhere, and
 * one that a case-insensitive file system would share with another id (`Acme` and `acme`).
 */
export async function prepareWorkspace(
  workspacesDirectory: string,
  tenantId: string,
  agentId: string,
): Promise<string> {
  const path = workspacePath(workspacesDirectory, tenantId, agentId);
  const root = resolve(workspacesDirectory);
  await mkdir(root, { recursive: true, mode: 0o700 });
  await narrow(root);
  // One level at a time, never through a link: mkdir does not follow one that stands at the name.
  for (const folder of [join(root, tenantId), path]) {
    await mkdir(folder, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    if (!(await lstat(folder)).isDirectory()) {
      throw new StewardError(
        'runtime-failed',
        `the workspace ${path} is not a plain folder: ${folder} is a link or a file`,
      );
    }
    await narrow(folder);
  }
  // Real paths: the CLI judges what lies inside a working directory by its real path.
  const realRoot = await realpath(root);
  const real = await realpath(path);
  if (real !== join(realRoot, tenantId, agentId)) {
    throw new StewardError(
      'runtime-failed',
      `the workspace of ${tenantId}/${agentId} resolves to ${real}, not to its own folder in ${realRoot} ` +
        '(a case-insensitive file system maps two ids to one folder): give the tenants ids that differ by more than case',
    );
  }
  return real;
}

/** Only we write here: a folder open to others is narrowed to 0700. */
async function narrow(folder: string): Promise<void> {
  const { mode } = await stat(folder);
  if ((mode & 0o077) !== 0) await chmod(folder, 0o700);
}

function isInside(root: string, path: string): boolean {
  const fromRoot = relative(root, path);
  return fromRoot !== '' && !fromRoot.startsWith('..') && !isAbsolute(fromRoot);
}
