/** Only the USE adapter may load @energetic-ai/*, and only lazily: the core must run without the optional packages. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../../', import.meta.url));
const staticImport = /(?:from\s*|import\s+)['"]@energetic-ai\//;
const anyMention = /['"]@energetic-ai\//;

async function typeScriptFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return typeScriptFiles(path);
      return /\.ts$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
    }),
  );
  return nested.flat();
}

describe('the optional embedding packages', () => {
  it('are named only in embedders/universal-sentence-encoder/ and never imported statically', async () => {
    const offenders: string[] = [];
    for (const file of await typeScriptFiles(src)) {
      const path = relative(src, file).split(sep).join('/');
      const text = await readFile(file, 'utf8');
      if (staticImport.test(text)) offenders.push(`${path} (static import)`);
      else if (
        anyMention.test(text) &&
        !path.startsWith('optimize/cache/embedders/universal-sentence-encoder/')
      ) {
        offenders.push(path);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('recognises the forms it guards against', () => {
    expect(staticImport.test(`import { initModel } from '@energetic-ai/embeddings';`)).toBe(true);
    expect(staticImport.test(`import '@energetic-ai/core';`)).toBe(true);
    expect(staticImport.test(`await import('@energetic-ai/embeddings')`)).toBe(false);
  });
});
