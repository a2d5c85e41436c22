import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { initialize, resolve } from './built-library-hook.js';

const root = mkdtempSync(join(tmpdir(), 'steward-hook-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('built-library-hook', () => {
  const next = async (specifier: string) => ({ url: `next:${specifier}` });
  mkdirSync(join(root, 'dist', 'agent'), { recursive: true });
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'dist', 'index.js'), '');
  writeFileSync(join(root, 'dist', 'agent', 'index.js'), '');
  initialize({
    source: `${pathToFileURL(join(root, 'src')).href}/`,
    built: `${pathToFileURL(join(root, 'dist')).href}/`,
  });
  const config = pathToFileURL(join(root, 'examples', 'steward.config.ts')).href;

  it('gives an import of the sources the built module, for .js and .ts specifiers and file URLs', async () => {
    const built = pathToFileURL(join(root, 'dist', 'index.js')).href;
    expect(await resolve('../src/index.js', { parentURL: config }, next)).toEqual({
      url: built,
      shortCircuit: true,
    });
    expect(await resolve('../src/index.ts', { parentURL: config }, next)).toEqual({
      url: built,
      shortCircuit: true,
    });
    const nested = pathToFileURL(join(root, 'src', 'agent', 'index.ts')).href;
    expect((await resolve(nested, { parentURL: config }, next)).url).toBe(
      pathToFileURL(join(root, 'dist', 'agent', 'index.js')).href,
    );
  });

  it('leaves everything else to the next hook: packages, other files, sources without a build', async () => {
    expect(await resolve('zod', { parentURL: config }, next)).toEqual({ url: 'next:zod' });
    expect(await resolve('./local.ts', { parentURL: config }, next)).toEqual({ url: 'next:./local.ts' });
    expect(await resolve('../src/missing.js', { parentURL: config }, next)).toEqual({
      url: 'next:../src/missing.js',
    });
  });
});
