/** Vendor SDKs stay at the edge: only src/channels/slack/ imports Slack's packages. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const slackImport = /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"]@slack\/[^'"]+['"]/;

async function typeScriptFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return typeScriptFiles(path);
      return /\.(c|m)?tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
    }),
  );
  return nested.flat();
}

describe('the Slack package boundary', () => {
  it('is crossed only under src/channels/slack/', async () => {
    const offenders: string[] = [];
    for (const file of await typeScriptFiles(join(root, 'src'))) {
      const path = relative(root, file).split(sep).join('/');
      if (path.startsWith('src/channels/slack/')) continue;
      if (slackImport.test(await readFile(file, 'utf8'))) offenders.push(path);
    }
    expect(offenders, 'import @slack/* only in src/channels/slack/').toEqual([]);
  });

  it('recognises the import forms it guards against', () => {
    expect(slackImport.test(`import { WebClient } from '@slack/web-api';`)).toBe(true);
    expect(slackImport.test(`const slack = await import("@slack/web-api");`)).toBe(true);
    expect(slackImport.test(`import { z } from 'zod';`)).toBe(false);
  });
});
