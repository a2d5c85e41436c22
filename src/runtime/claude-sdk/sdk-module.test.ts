import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadedSdk, loadSdk, sdkLoaded } from './sdk-module.js';

/** Every TypeScript source file under `dir`, tests left out. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the Claude Agent SDK is imported on first use', () => {
  it('is imported at load time by no source module: only sdk-module.ts imports it, dynamically', () => {
    const root = join(import.meta.dirname, '../..');
    const valueImports = sources(root).filter((path) => {
      const text = readFileSync(path, 'utf8');
      // `import { x, type Y } from '…sdk'` or `import * as …` loads the module; `import type` does not.
      return /import\s+(?!type\s)[^;]*?from\s+'@anthropic-ai\/claude-agent-sdk'/s.test(text);
    });
    expect(valueImports.map((path) => relative(root, path))).toEqual([]);
  });

  it('loads once and then serves the same module synchronously', async () => {
    const first = await loadSdk();
    expect(sdkLoaded()).toBe(true);
    expect(await loadSdk()).toBe(first);
    expect(loadedSdk()).toBe(first);
    expect(typeof loadedSdk().query).toBe('function');
  });
});
