/**
 * Files that hold tenants' data or keys (the SQLite database and its -wal and -shm files, the secret and
 * signing keys): created 0600 whatever the umask, in folders created 0700; one found readable by others
 * (e.g. made 0644 by an earlier version) is narrowed to 0600 with a warning. A folder that already exists
 * keeps its mode: the operator chose it.
 */
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Creates the folder and any missing parents 0700 (a umask can only narrow that); existing ones are left as
 * they are.
 */
export function createPrivateFolder(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

/**
 * Creates an empty file with mode 0600, exactly (fchmod is not subject to the umask); false when the file
 * exists already. An empty file is a valid empty SQLite database, which SQLite then fills; it creates the
 * -wal and -shm files with the mode of the database file.
 */
export function createPrivateFile(path: string): boolean {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    fchmodSync(descriptor, 0o600);
  } finally {
    closeSync(descriptor);
  }
  return true;
}

/**
 * Narrows an existing file that others may read or write to 0600. Returns the warning to show the operator,
 * or undefined when the file was private already or does not exist.
 */
export function restrictToOwner(path: string): string | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) === 0) return undefined;
  const was = `${path} was accessible to other users (mode ${mode.toString(8).padStart(4, '0')})`;
  try {
    chmodSync(path, mode & 0o700);
  } catch (error) {
    return `${was} and could not be narrowed: ${(error as Error).message}; run chmod 600 ${path}`;
  }
  return `${was}; it is now ${(mode & 0o700).toString(8).padStart(4, '0')}`;
}
