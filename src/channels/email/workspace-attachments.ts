/** Outbound attachments read from the agent's workspace only: a path (or a symlink) leading outside it is refused. */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { StewardError } from '../../errors/index.js';

export interface WorkspaceFile {
  filename: string;
  content: Buffer;
}

/**
 * Reads each path (relative to the workspace, or absolute inside it) after resolving every symlink; throws
 * `permission-denied` for a file outside the workspace, `not-found` for a missing or non-regular file,
 * `payload-too-large` past `maxBytes`.
 *
 * @example
 * const files = await readWorkspaceAttachments('/srv/agents/acme/desk', ['out/quote.pdf'], { maxBytes: 10_000_000 });
 */
export async function readWorkspaceAttachments(
  workspaceDirectory: string,
  paths: string[],
  options: { maxBytes: number },
): Promise<WorkspaceFile[]> {
  const workspace = await realpath(workspaceDirectory).catch((error: unknown) => {
    throw new StewardError('invalid-config', `The workspace ${workspaceDirectory} does not exist`, {
      cause: error,
    });
  });
  const files: WorkspaceFile[] = [];
  for (const path of paths) {
    const requested = resolve(workspace, path);
    let real: string;
    try {
      real = await realpath(requested);
    } catch (error) {
      throw new StewardError('not-found', `The attachment ${path} does not exist in the workspace`, {
        cause: error,
      });
    }
    const inside = relative(workspace, real);
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
      throw new StewardError('permission-denied', `The attachment ${path} is outside the agent's workspace`, {
        details: { path },
      });
    }
    // O_NOFOLLOW: the resolved path is opened as is, so a symlink swapped in after the check is not followed.
    const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) => {
      throw new StewardError('permission-denied', `The attachment ${path} could not be opened safely`, {
        cause: error,
      });
    });
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new StewardError('not-found', `The attachment ${path} is not a regular file`);
      if (stat.size > options.maxBytes) {
        throw new StewardError(
          'payload-too-large',
          `The attachment ${path} has ${stat.size} bytes; at most ${options.maxBytes}`,
        );
      }
      files.push({ filename: real.split(sep).pop() ?? 'attachment', content: await handle.readFile() });
    } finally {
      await handle.close();
    }
  }
  return files;
}
