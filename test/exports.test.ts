/** Every subpath in package.json `exports` has a source entry with named exports, and the build maps to it. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, { types: string; default: string }>;
};

const entries = Object.entries(packageJson.exports).map(([subpath, target]) => {
  const source = target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
  return { subpath, source, target };
});

describe('package exports', () => {
  it('names one subpath per primitive', () => {
    expect(Object.keys(packageJson.exports)).toEqual(
      expect.arrayContaining(['.', './trust', './optimize', './learn', './channels', './audit', './privacy']),
    );
  });

  it.each(entries)('$subpath maps to $source, which exports named symbols and no export *', async (entry) => {
    expect(existsSync(new URL(`../${entry.source}`, import.meta.url))).toBe(true);
    expect(entry.target.types).toBe(entry.target.default.replace(/\.js$/, '.d.ts'));
    const text = readFileSync(new URL(`../${entry.source}`, import.meta.url), 'utf8');
    expect(text).not.toMatch(/export \*/);
    const module = (await import(`../${entry.source}`)) as Record<string, unknown>;
    expect(Object.keys(module).length).toBeGreaterThan(0);
  });

  it('the root entry exposes the public API', async () => {
    const root = (await import('../src/index.js')) as Record<string, unknown>;
    for (const name of [
      'ClaudeAgent',
      'defineConfig',
      'StewardError',
      'InvalidConfigError',
      'openStore',
      'ClaudeAgentSdkRuntime',
      'createSimulatedRuntime',
      'definePrimitive',
    ]) {
      expect(root[name], name).toBeDefined();
    }
  });
});
