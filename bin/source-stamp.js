// Stamps of the TypeScript sources, which the build writes to dist/.source-stamp and bin/steward.js
// compares with src/ before running dist/. Two of them: `quick` (every file's path, size and time; a few
// ms) and `content` (every file's path and bytes; tens of ms). The quick one settles the usual case; a copy
// or a git checkout changes the times, and then the content decides.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** @param {string} sourceDirectory @returns {string[]} every file below it, in a stable order */
function filesOf(sourceDirectory) {
  const files = [];
  const walk = (directory) => {
    const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    );
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk(sourceDirectory);
  return files;
}

/**
 * @param {string} sourceDirectory the src/ folder
 * @returns {string} changes whenever a file under it is added, removed, or written (its time changes)
 */
export function quickStamp(sourceDirectory) {
  const hash = createHash('sha256');
  for (const path of filesOf(sourceDirectory)) {
    const stat = statSync(path);
    hash.update(`${relative(sourceDirectory, path)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/**
 * @param {string} sourceDirectory the src/ folder
 * @returns {string} changes whenever a file under it is added, removed or changed in content
 */
export function contentStamp(sourceDirectory) {
  const hash = createHash('sha256');
  for (const path of filesOf(sourceDirectory)) {
    const content = readFileSync(path);
    hash.update(`${relative(sourceDirectory, path)}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

/**
 * Whether `recorded` (the parsed dist/.source-stamp) was taken of the sources as they are now.
 *
 * @param {string} sourceDirectory
 * @param {{ quick?: unknown, content?: unknown }} recorded
 */
export function stampMatches(sourceDirectory, recorded) {
  if (recorded.quick === quickStamp(sourceDirectory)) return true;
  return recorded.content === contentStamp(sourceDirectory);
}
