/** Only src/runtime/ may import the Claude Agent SDK: everything else goes through AgentRuntime. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const sdkImport =
  /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"]@anthropic-ai\/claude-agent-sdk(?:\/[^'"]*)?['"]/;

async function typeScriptFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typeScriptFiles(path);
      return /\.(c|m)?tsx?$/.test(entry.name) ? [path] : [];
    }),
  );
  return nested.flat();
}

describe('the Claude Agent SDK boundary', () => {
  it('is imported only under src/runtime/', async () => {
    const offenders: string[] = [];
    for (const file of await typeScriptFiles(join(root, 'src'))) {
      const path = relative(root, file).split(sep).join('/');
      if (path.startsWith('src/runtime/')) continue;
      if (sdkImport.test(await readFile(file, 'utf8'))) offenders.push(path);
    }
    expect(offenders, 'import the SDK only in src/runtime/; use AgentRuntime elsewhere').toEqual([]);
  });

  it('recognises the import forms it guards against', () => {
    expect(sdkImport.test(`import { query } from '@anthropic-ai/claude-agent-sdk';`)).toBe(true);
    expect(sdkImport.test(`import type { Options } from "@anthropic-ai/claude-agent-sdk";`)).toBe(true);
    expect(sdkImport.test(`const sdk = await import('@anthropic-ai/claude-agent-sdk');`)).toBe(true);
    expect(sdkImport.test(`export { tool } from '@anthropic-ai/claude-agent-sdk/core';`)).toBe(true);
    expect(sdkImport.test(`import '@anthropic-ai/claude-agent-sdk';`)).toBe(true);
    expect(sdkImport.test(`import { z } from 'zod';`)).toBe(false);
  });
});
