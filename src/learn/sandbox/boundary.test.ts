/** Only src/learn/sandbox/ may import QuickJS: every other module runs handlers through the sandbox. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const quickJsImport =
  /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"](?:quickjs-emscripten|@jitl\/quickjs)/;

async function typeScriptFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return typeScriptFiles(path);
      return /\.(c|m)?tsx?$/.test(entry.name) ? [path] : [];
    }),
  );
  return nested.flat();
}

describe('the QuickJS boundary', () => {
  it('is imported only under src/learn/sandbox/', async () => {
    const offenders: string[] = [];
    for (const file of await typeScriptFiles(join(root, 'src'))) {
      const path = relative(root, file).split(sep).join('/');
      if (path.startsWith('src/learn/sandbox/')) continue;
      if (quickJsImport.test(await readFile(file, 'utf8'))) offenders.push(path);
    }
    expect(offenders, 'run handlers through createHandlerSandbox, not QuickJS directly').toEqual([]);
  });

  it('recognises the import forms it guards against', () => {
    expect(quickJsImport.test(`import { getQuickJS } from 'quickjs-emscripten';`)).toBe(true);
    expect(quickJsImport.test(`import type { QuickJSContext } from "quickjs-emscripten-core";`)).toBe(true);
    expect(quickJsImport.test(`const variant = await import('@jitl/quickjs-wasmfile-release-sync');`)).toBe(
      true,
    );
    expect(quickJsImport.test(`import { z } from 'zod';`)).toBe(false);
  });
});
