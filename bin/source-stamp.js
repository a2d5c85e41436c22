// A stamp of the TypeScript sources: every file under src/ by path, size and modification time. The
// build writes it to dist/.source-stamp; bin/steward.js runs dist/ only while src/ still has that stamp.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * @param {string} sourceDirectory the src/ folder
 * @returns {string} a hex digest that changes whenever a file under it is added, removed or modified
 */
export function sourceStamp(sourceDirectory) {
  const hash = createHash('sha256');
  const walk = (directory) => {
    const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    );
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.isFile()) {
        const stat = statSync(path);
        hash.update(`${relative(sourceDirectory, path)}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  walk(sourceDirectory);
  return hash.digest('hex');
}
